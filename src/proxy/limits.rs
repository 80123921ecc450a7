//! Request rates: a sliding window per agent and provider. Over the limit, the answer says
//! how long until the oldest request in the window leaves it.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use crate::vault::keyless::Rate;

#[derive(Debug, Default)]
pub struct RateLimiter {
    /// Agent → provider → when its requests in the current window came.
    windows: HashMap<String, HashMap<&'static str, VecDeque<Instant>>>,
}

impl RateLimiter {
    /// Counts a request of `agent` to `provider` at `now` when `rate` allows it; else how long
    /// to wait.
    pub fn admit(
        &mut self,
        (agent, provider): (&str, &'static str),
        rate: Rate,
        now: Instant,
    ) -> Result<(), Duration> {
        if !self.windows.contains_key(agent) {
            self.windows.insert(agent.to_owned(), HashMap::new());
        }
        let window = self
            .windows
            .get_mut(agent)
            .map(|providers| providers.entry(provider).or_default());
        // Inserted just above when it was missing.
        let Some(window) = window else {
            return Ok(());
        };
        while window
            .front()
            .is_some_and(|&t| now.saturating_duration_since(t) >= rate.window)
        {
            window.pop_front();
        }
        if window.len() >= rate.requests as usize {
            let oldest = window.front().copied().unwrap_or(now);
            return Err(rate
                .window
                .saturating_sub(now.saturating_duration_since(oldest)));
        }
        window.push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_admits_its_rate_then_frees_as_requests_age() {
        let mut limiter = RateLimiter::default();
        let rate: Rate = "2/10s".parse().unwrap();
        let t0 = Instant::now();
        assert!(limiter.admit(("a", "openai"), rate, t0).is_ok());
        assert!(
            limiter
                .admit(("a", "openai"), rate, t0 + Duration::from_secs(3))
                .is_ok()
        );
        let wait = limiter
            .admit(("a", "openai"), rate, t0 + Duration::from_secs(4))
            .unwrap_err();
        assert_eq!(wait, Duration::from_secs(6));
        // Another agent, or another provider, has its own window.
        assert!(limiter.admit(("b", "openai"), rate, t0).is_ok());
        assert!(limiter.admit(("a", "anthropic"), rate, t0).is_ok());
        assert!(
            limiter
                .admit(("a", "openai"), rate, t0 + Duration::from_secs(10))
                .is_ok()
        );
        assert!(
            limiter
                .admit(("a", "openai"), rate, t0 + Duration::from_secs(11))
                .is_err()
        );
    }
}
