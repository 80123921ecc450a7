#!/bin/sh
# Runs an agent in CI from a vault committed to the repository. The vault is encrypted to a CI
# key too (`vault recipient add age1… --label ci`); that key's secret, AGE-SECRET-KEY-1…, is a
# CI secret passed in VAULT_IDENTITY. Nothing here can wait for a prompt: a missing piece is
# an error that names it.
#
#   VAULT_IDENTITY=AGE-SECRET-KEY-1… examples/ci/run-agent.sh AGENT [CMD ARGS…]
#
# With no CMD, the agent's stored command runs (vault agent set AGENT --command …).
# VAULT_FILE defaults to .vault/vault.age; VAULT names the vault binary (default: vault).
set -eu

if [ -z "${VAULT_IDENTITY:-}" ]; then
    echo "run-agent.sh: VAULT_IDENTITY is not set: give the CI identity (AGE-SECRET-KEY-1…) as a CI secret" >&2
    exit 2
fi
if [ $# -eq 0 ]; then
    echo "usage: run-agent.sh AGENT [CMD ARGS…]" >&2
    exit 2
fi
agent=$1
shift
VAULT_FILE=${VAULT_FILE:-.vault/vault.age}
export VAULT_FILE
vault=${VAULT:-vault}

# What the agent gets, by name; values never appear in the log.
"$vault" agent show "$agent"

# --isolate: the agent starts from a minimal environment plus its own values, so it does not
# inherit the runner's other credentials (GITHUB_TOKEN, cloud keys). Its output is masked:
# an attached secret it prints shows up as *** in the log. vault exits with its status.
exec "$vault" run "$agent" --isolate -- "$@"
