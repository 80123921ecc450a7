#!/bin/sh
# Quick start: builds vault and shows it at work on a throwaway vault.
# No prompts, and nothing outside a temporary directory is read or written: your own
# vault, identity, keyring and ~/.ssh are left alone.
#
#   ./examples/quickstart.sh
#
# Runs from any directory, and finds the binary wherever cargo puts it (CARGO_TARGET_DIR too).
# VAULT_BIN=/path/to/vault skips the build; VAULT_BUILD_PROFILE=dev builds a debug binary
# (the tests use these).
set -eu
cd "$(dirname "$0")/.."

if [ -z "${VAULT_BIN:-}" ]; then
    profile="${VAULT_BUILD_PROFILE:-release}"
    echo "Building vault (cargo build --profile $profile; the first build takes a few minutes)..."
    # cargo says where it put the binary: its JSON messages name the executable.
    VAULT_BIN=$(cargo build --profile "$profile" --bin vault --quiet --message-format=json |
        sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -n 1)
    if [ -z "$VAULT_BIN" ] || [ ! -x "$VAULT_BIN" ]; then
        echo "cargo built vault but did not say where; run cargo build --release and set VAULT_BIN" >&2
        exit 1
    fi
fi

demo=$(mktemp -d)
trap 'rm -rf "$demo"' EXIT
export HOME="$demo/home"
export XDG_DATA_HOME="$HOME/.local/share" XDG_CONFIG_HOME="$HOME/.config"
export XDG_STATE_HOME="$HOME/.local/state"
export VAULT_NO_KEYRING=1
unset VAULT_FILE VAULT_IDENTITY VAULT_IDENTITY_FILE VAULT_PASSPHRASE
mkdir -p "$HOME"

# Shows each command, then runs it.
vault() {
    printf '\n$ vault %s\n' "$*"
    "$VAULT_BIN" "$@"
}
# The same for a value piped in (shown as typed, the value replaced by "…").
piped() {
    printf '\n$ printf … | vault %s\n' "$*"
    "$VAULT_BIN" "$@"
}

vault init
printf 'sk-demo-0123456789abcdef' | piped provider add openai
# An existing .env file comes in one go: names that look secret become secrets.
cat > "$demo/bot.env" <<'EOF'
# the bot's old .env file
TELEGRAM_BOT_TOKEN="123456:telegram-demo-token"   # from BotFather
export LOG_LEVEL=debug
EOF
(cd "$demo" && vault import bot.env --dry-run && vault import bot.env)
vault list
vault get LOG_LEVEL

# The real job: an agent gets what is attached to it, not the rest of the vault, and not
# the key that opens it, even when vault is handed one (as in CI, through VAULT_IDENTITY).
vault attach demo-agent OPENAI_API_KEY LOG_LEVEL
VAULT_IDENTITY=$("$VAULT_BIN" identity export)
export VAULT_IDENTITY
printf '\n(VAULT_IDENTITY is now set, as a CI job would set it.)\n'
printf '(--mask always: on your terminal the default would show the key; logs and pipes get ***.)\n'
vault run demo-agent --mask always -- sh examples/agent.sh
# Keyless: the agent gets a token and a local proxy's address instead of the key; the proxy
# adds the key to its API calls (here nothing is called: no real key is in the demo).
# Keyless runs are sandboxed: the agent cannot open the vault itself (bubblewrap does it).
printf '\n(--keyless: no --mask needed, there is no key in the environment to hide.)\n'
sandbox=--sandbox
if ! command -v bwrap >/dev/null 2>&1; then
    sandbox=--no-sandbox
    printf '(bubblewrap is not installed, so this run goes without its sandbox: apt-get install bubblewrap)\n'
fi
vault run demo-agent --keyless "$sandbox" --mask never -- sh -c 'echo "OPENAI_API_KEY=$OPENAI_API_KEY"; echo "OPENAI_BASE_URL=$OPENAI_BASE_URL"; echo "inside, vault list says: $("$0" list 2>&1 | head -1)"' "$VAULT_BIN"
vault agent show demo-agent
vault audit

printf '\nThe vault file is age-encrypted: %s\n' "$(head -c 21 "$XDG_DATA_HOME/vault/vault.age")"
printf 'The agent got OPENAI_API_KEY (masked in its output) and LOG_LEVEL, but not\n'
printf 'TELEGRAM_BOT_TOKEN, which is not attached to it, nor the key that opens the vault.\n'
printf 'This demo vault lived in %s and is deleted now.\n' "$demo"
