#!/bin/sh
# An example agent: reports which of the variables it looks for it got.
#
# Started by `vault run AGENT -- sh examples/agent.sh`, it gets the entries attached to the
# agent added to its environment, and never what opens the vault (VAULT_IDENTITY, even when
# vault itself was given one). Secret values in its output are masked as *** whenever the
# output is not a terminal, or with --mask always.
for name in OPENAI_API_KEY TELEGRAM_BOT_TOKEN LOG_LEVEL VAULT_IDENTITY; do
    if value=$(printenv "$name"); then
        echo "$name=$value"
    else
        echo "$name is not set"
    fi
done
