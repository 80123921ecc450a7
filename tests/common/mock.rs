//! A mock AI provider on loopback: records every request (method, path, headers) and answers
//! 200 to the one good key, 401 (echoing the key it got, as real providers do) to any other.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

pub struct MockProvider {
    pub addr: SocketAddr,
    pub requests: Arc<Mutex<Vec<Request>>>,
}

impl MockProvider {
    /// Answers 200 when `good_key` comes in any of the auth headers providers use.
    pub fn start(good_key: &str) -> Self {
        Self::serve(Answer::Key(good_key.to_owned()))
    }

    /// Accepts connections and never answers.
    pub fn silent() -> Self {
        Self::serve(Answer::Never)
    }

    /// Answers every request with a redirect to `location`.
    pub fn redirecting(location: &str) -> Self {
        Self::serve(Answer::Redirect(location.to_owned()))
    }

    fn serve(answer: Answer) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let seen = Arc::clone(&seen);
                let answer = answer.clone();
                std::thread::spawn(move || handle(stream, &answer, &seen));
            }
        });
        Self { addr, requests }
    }

    /// `http://127.0.0.1:PORT` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }
}

#[derive(Clone)]
enum Answer {
    Key(String),
    Never,
    Redirect(String),
}

/// Reads a request's line and headers (names in lower case); `None` at the end of the
/// connection.
pub fn read_head(reader: &mut impl BufRead) -> Option<Request> {
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let path = parts.next().unwrap_or_default().to_owned();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.trim_end().split_once(':') {
            headers.push((name.to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    Some(Request {
        method,
        path,
        headers,
    })
}

fn handle(stream: TcpStream, answer: &Answer, seen: &Mutex<Vec<Request>>) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let Some(request) = read_head(&mut reader) else {
        return;
    };
    seen.lock().unwrap().push(request.clone());
    let mut stream = stream;
    let good_key = match answer {
        Answer::Key(key) => key,
        Answer::Never => {
            // Never answer; keep the connection open until the client gives up.
            std::thread::sleep(std::time::Duration::from_secs(60));
            return;
        }
        Answer::Redirect(location) => {
            let _ = write!(
                stream,
                "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n\
                 Connection: close\r\n\r\n"
            );
            return;
        }
    };
    let given = request
        .header("authorization")
        .map(|v| v.trim_start_matches("Bearer ").to_owned())
        .or_else(|| request.header("x-api-key").map(str::to_owned))
        .or_else(|| request.header("x-goog-api-key").map(str::to_owned))
        .unwrap_or_default();
    let (status, body) = if given == *good_key {
        ("200 OK", r#"{"data":[{"id":"mock-model"}]}"#.to_owned())
    } else {
        (
            "401 Unauthorized",
            format!(r#"{{"error":{{"message":"Incorrect API key provided: {given}"}}}}"#),
        )
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
}

/// A loopback port nothing listens on.
pub fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}
