# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_vault_global_optspecs
    string join \n vault= identity= json v/verbose h/help V/version
end

function __fish_vault_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_vault_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_vault_using_subcommand
    set -l cmd (__fish_vault_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c vault -n "__fish_vault_needs_command" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_needs_command" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_needs_command" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_needs_command" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vault -n "__fish_vault_needs_command" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_needs_command" -f -a "init" -d 'Create a new vault and, unless you have one, an identity to open it'
complete -c vault -n "__fish_vault_needs_command" -f -a "secret" -d 'Add, replace or remove secrets (values never shown in listings)'
complete -c vault -n "__fish_vault_needs_command" -f -a "var" -d 'Set or remove plain variables (values shown in listings)'
complete -c vault -n "__fish_vault_needs_command" -f -a "get" -d 'Print one entry\'s value, for `$(vault get NAME)` in scripts'
complete -c vault -n "__fish_vault_needs_command" -f -a "list" -d 'List the entries: name, kind, value (variables only), last update'
complete -c vault -n "__fish_vault_needs_command" -f -a "ls" -d 'List the entries: name, kind, value (variables only), last update'
complete -c vault -n "__fish_vault_needs_command" -f -a "provider" -d 'Add, check, list or remove AI-provider keys (OpenAI, Anthropic, OpenRouter, …)'
complete -c vault -n "__fish_vault_needs_command" -f -a "agent" -d 'Create, list, show or remove agents'
complete -c vault -n "__fish_vault_needs_command" -f -a "attach" -d 'Attach entries to an agent (the agent is created when it does not exist)'
complete -c vault -n "__fish_vault_needs_command" -f -a "detach" -d 'Detach entries from an agent'
complete -c vault -n "__fish_vault_needs_command" -f -a "import" -d 'Add every entry of a .env file in one change (FILE, or - for standard input)'
complete -c vault -n "__fish_vault_needs_command" -f -a "export" -d 'Print an agent\'s values, or every entry, as dotenv, JSON, shell or GitHub Actions input'
complete -c vault -n "__fish_vault_needs_command" -f -a "run" -d 'Run a command with an agent\'s attached values added to its environment'
complete -c vault -n "__fish_vault_needs_command" -f -a "proxy" -d 'Run the keyless proxy for every agent that has a proxy token (vault agent token)'
complete -c vault -n "__fish_vault_needs_command" -f -a "usage" -d 'Show keyless mode\'s recorded usage: requests, tokens and estimated cost'
complete -c vault -n "__fish_vault_needs_command" -f -a "audit" -d 'Show the audit log: runs and changes, with names, never values'
complete -c vault -n "__fish_vault_needs_command" -f -a "remote" -d 'Connect the vault to a team\'s OpenBao or HashiCorp Vault server (KV version 2)'
complete -c vault -n "__fish_vault_needs_command" -f -a "pull" -d 'Bring every secret of a remote into the vault, in one change'
complete -c vault -n "__fish_vault_needs_command" -f -a "push" -d 'Write entries to a remote, never over a teammate\'s change (check-and-set)'
complete -c vault -n "__fish_vault_needs_command" -f -a "recipient" -d 'Manage who can open the vault'
complete -c vault -n "__fish_vault_needs_command" -f -a "identity" -d 'Show or export the identity that opens the vault'
complete -c vault -n "__fish_vault_needs_command" -f -a "doctor" -d 'Check what works on this machine: the identity and whether it opens the vault, the keyring, file modes, container engines, the sandbox, the proxy\'s loopback (exit 1 when something fails); never prints a value'
complete -c vault -n "__fish_vault_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c vault -n "__fish_vault_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vault -n "__fish_vault_using_subcommand init" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand init" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand init" -l passphrase -d 'Protect the new identity file with a passphrase (age scrypt); asked on a terminal, else taken from VAULT_PASSPHRASE'
complete -c vault -n "__fish_vault_using_subcommand init" -l no-keyring -d 'Keep the new identity in a file in the config directory, not in the OS keyring'
complete -c vault -n "__fish_vault_using_subcommand init" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand init" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand init" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand init" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand secret; and not __fish_seen_subcommand_from add set rm remove help" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand secret; and not __fish_seen_subcommand_from add set rm remove help" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand secret; and not __fish_seen_subcommand_from add set rm remove help" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand secret; and not __fish_seen_subcommand_from add set rm remove help" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand secret; and not __fish_seen_subcommand_from add set rm remove help" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand secret; and not __fish_seen_subcommand_from add set rm remove help" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand secret; and not __fish_seen_subcommand_from add set rm remove help" -f -a "add" -d 'Add a new secret: hidden prompt, standard input, --from-file or --from-env; or, with --remote, a live reference fetched from the team\'s server each time an agent starts'
complete -c vault -n "__fish_vault_using_subcommand secret; and not __fish_seen_subcommand_from add set rm remove help" -f -a "set" -d 'Replace the value of an existing secret (same sources as add)'
complete -c vault -n "__fish_vault_using_subcommand secret; and not __fish_seen_subcommand_from add set rm remove help" -f -a "rm" -d 'Remove a secret (asks on a terminal; pass --yes otherwise)'
complete -c vault -n "__fish_vault_using_subcommand secret; and not __fish_seen_subcommand_from add set rm remove help" -f -a "remove" -d 'Remove a secret (asks on a terminal; pass --yes otherwise)'
complete -c vault -n "__fish_vault_using_subcommand secret; and not __fish_seen_subcommand_from add set rm remove help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vault -n "__fish_vault_using_subcommand secret; and __fish_seen_subcommand_from add" -l from-file -d 'Read the value from this file (one trailing newline is dropped)' -r -F
complete -c vault -n "__fish_vault_using_subcommand secret; and __fish_seen_subcommand_from add" -l from-env -d 'Read the value from this environment variable' -r
complete -c vault -n "__fish_vault_using_subcommand secret; and __fish_seen_subcommand_from add" -l remote -d 'Fetch its value from this remote when an agent using it starts, and while a keyless proxy serves it (the value is kept here too, for when the server cannot be reached)' -r
complete -c vault -n "__fish_vault_using_subcommand secret; and __fish_seen_subcommand_from add" -l max-age -d 'How old the value kept here may be when the server cannot be reached [default: 1h]; a running proxy fetches it again four times within it, at least every 5 min' -r
complete -c vault -n "__fish_vault_using_subcommand secret; and __fish_seen_subcommand_from add" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand secret; and __fish_seen_subcommand_from add" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand secret; and __fish_seen_subcommand_from add" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand secret; and __fish_seen_subcommand_from add" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand secret; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand secret; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand secret; and __fish_seen_subcommand_from set" -l from-file -d 'Read the value from this file (one trailing newline is dropped)' -r -F
complete -c vault -n "__fish_vault_using_subcommand secret; and __fish_seen_subcommand_from set" -l from-env -d 'Read the value from this environment variable' -r
complete -c vault -n "__fish_vault_using_subcommand secret; and __fish_seen_subcommand_from set" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand secret; and __fish_seen_subcommand_from set" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand secret; and __fish_seen_subcommand_from set" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand secret; and __fish_seen_subcommand_from set" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand secret; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand secret; and __fish_seen_subcommand_from set" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand secret; and __fish_seen_subcommand_from rm" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand secret; and __fish_seen_subcommand_from rm" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand secret; and __fish_seen_subcommand_from rm" -s y -l yes -d 'Remove without asking'
complete -c vault -n "__fish_vault_using_subcommand secret; and __fish_seen_subcommand_from rm" -l detach -d 'Also detach it from the agents it is attached to (otherwise that is refused)'
complete -c vault -n "__fish_vault_using_subcommand secret; and __fish_seen_subcommand_from rm" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand secret; and __fish_seen_subcommand_from rm" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand secret; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand secret; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand secret; and __fish_seen_subcommand_from remove" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand secret; and __fish_seen_subcommand_from remove" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand secret; and __fish_seen_subcommand_from remove" -s y -l yes -d 'Remove without asking'
complete -c vault -n "__fish_vault_using_subcommand secret; and __fish_seen_subcommand_from remove" -l detach -d 'Also detach it from the agents it is attached to (otherwise that is refused)'
complete -c vault -n "__fish_vault_using_subcommand secret; and __fish_seen_subcommand_from remove" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand secret; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand secret; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand secret; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand secret; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a new secret: hidden prompt, standard input, --from-file or --from-env; or, with --remote, a live reference fetched from the team\'s server each time an agent starts'
complete -c vault -n "__fish_vault_using_subcommand secret; and __fish_seen_subcommand_from help" -f -a "set" -d 'Replace the value of an existing secret (same sources as add)'
complete -c vault -n "__fish_vault_using_subcommand secret; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove a secret (asks on a terminal; pass --yes otherwise)'
complete -c vault -n "__fish_vault_using_subcommand secret; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vault -n "__fish_vault_using_subcommand var; and not __fish_seen_subcommand_from set rm remove help" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand var; and not __fish_seen_subcommand_from set rm remove help" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand var; and not __fish_seen_subcommand_from set rm remove help" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand var; and not __fish_seen_subcommand_from set rm remove help" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand var; and not __fish_seen_subcommand_from set rm remove help" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand var; and not __fish_seen_subcommand_from set rm remove help" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand var; and not __fish_seen_subcommand_from set rm remove help" -f -a "set" -d 'Set a plain variable, creating it if needed (not for secrets: see `vault secret add`)'
complete -c vault -n "__fish_vault_using_subcommand var; and not __fish_seen_subcommand_from set rm remove help" -f -a "rm" -d 'Remove a plain variable'
complete -c vault -n "__fish_vault_using_subcommand var; and not __fish_seen_subcommand_from set rm remove help" -f -a "remove" -d 'Remove a plain variable'
complete -c vault -n "__fish_vault_using_subcommand var; and not __fish_seen_subcommand_from set rm remove help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vault -n "__fish_vault_using_subcommand var; and __fish_seen_subcommand_from set" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand var; and __fish_seen_subcommand_from set" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand var; and __fish_seen_subcommand_from set" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand var; and __fish_seen_subcommand_from set" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand var; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand var; and __fish_seen_subcommand_from set" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand var; and __fish_seen_subcommand_from rm" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand var; and __fish_seen_subcommand_from rm" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand var; and __fish_seen_subcommand_from rm" -l detach -d 'Also detach it from the agents it is attached to (otherwise that is refused)'
complete -c vault -n "__fish_vault_using_subcommand var; and __fish_seen_subcommand_from rm" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand var; and __fish_seen_subcommand_from rm" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand var; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand var; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand var; and __fish_seen_subcommand_from remove" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand var; and __fish_seen_subcommand_from remove" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand var; and __fish_seen_subcommand_from remove" -l detach -d 'Also detach it from the agents it is attached to (otherwise that is refused)'
complete -c vault -n "__fish_vault_using_subcommand var; and __fish_seen_subcommand_from remove" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand var; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand var; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand var; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand var; and __fish_seen_subcommand_from help" -f -a "set" -d 'Set a plain variable, creating it if needed (not for secrets: see `vault secret add`)'
complete -c vault -n "__fish_vault_using_subcommand var; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove a plain variable'
complete -c vault -n "__fish_vault_using_subcommand var; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vault -n "__fish_vault_using_subcommand get" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand get" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand get" -s n -l no-newline -d 'Do not print a newline after the value'
complete -c vault -n "__fish_vault_using_subcommand get" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand get" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand get" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand get" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand list" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand list" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand list" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand list" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand list" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand list" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand ls" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand ls" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand ls" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand ls" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand ls" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand ls" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand provider; and not __fish_seen_subcommand_from add set test list ls rm remove help" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand provider; and not __fish_seen_subcommand_from add set test list ls rm remove help" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand provider; and not __fish_seen_subcommand_from add set test list ls rm remove help" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand provider; and not __fish_seen_subcommand_from add set test list ls rm remove help" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand provider; and not __fish_seen_subcommand_from add set test list ls rm remove help" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand provider; and not __fish_seen_subcommand_from add set test list ls rm remove help" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand provider; and not __fish_seen_subcommand_from add set test list ls rm remove help" -f -a "add" -d 'Add a provider\'s API key: hidden prompt, standard input, --from-file or --from-env'
complete -c vault -n "__fish_vault_using_subcommand provider; and not __fish_seen_subcommand_from add set test list ls rm remove help" -f -a "set" -d 'Replace a provider key\'s value (a rotated key): same sources and checks as add'
complete -c vault -n "__fish_vault_using_subcommand provider; and not __fish_seen_subcommand_from add set test list ls rm remove help" -f -a "test" -d 'Check keys with their providers (a cheap authenticated request) and record the status'
complete -c vault -n "__fish_vault_using_subcommand provider; and not __fish_seen_subcommand_from add set test list ls rm remove help" -f -a "list" -d 'List the provider keys: provider, entry, key hint, endpoint, status, when checked'
complete -c vault -n "__fish_vault_using_subcommand provider; and not __fish_seen_subcommand_from add set test list ls rm remove help" -f -a "ls" -d 'List the provider keys: provider, entry, key hint, endpoint, status, when checked'
complete -c vault -n "__fish_vault_using_subcommand provider; and not __fish_seen_subcommand_from add set test list ls rm remove help" -f -a "rm" -d 'Remove a provider key (asks on a terminal; pass --yes otherwise)'
complete -c vault -n "__fish_vault_using_subcommand provider; and not __fish_seen_subcommand_from add set test list ls rm remove help" -f -a "remove" -d 'Remove a provider key (asks on a terminal; pass --yes otherwise)'
complete -c vault -n "__fish_vault_using_subcommand provider; and not __fish_seen_subcommand_from add set test list ls rm remove help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from add" -l name -d 'The entry\'s name [default: the variable the provider\'s SDKs read, e.g. OPENAI_API_KEY]' -r
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from add" -l base-url -d 'Another endpoint for this key (a proxy, a gateway, a local server); required for custom' -r
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from add" -l from-file -d 'Read the value from this file (one trailing newline is dropped)' -r -F
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from add" -l from-env -d 'Read the value from this environment variable' -r
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from add" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from add" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from add" -l force -d 'Store the key even when it does not look like the provider\'s keys'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from add" -l verify -d 'Check the key with the provider first (as `vault provider test`); an invalid key is then not stored'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from add" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from add" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from set" -l from-file -d 'Read the value from this file (one trailing newline is dropped)' -r -F
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from set" -l from-env -d 'Read the value from this environment variable' -r
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from set" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from set" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from set" -l force -d 'Store the key even when it does not look like the provider\'s keys'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from set" -l verify -d 'Check the key with the provider first (as `vault provider test`); an invalid key is then not stored'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from set" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from set" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from set" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from test" -l timeout -d 'Give up on a provider after this many seconds' -r
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from test" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from test" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from test" -l all -d 'Check every provider key in the vault'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from test" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from test" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from test" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from test" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from list" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from list" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from list" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from ls" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from ls" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from ls" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from ls" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from rm" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from rm" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from rm" -s y -l yes -d 'Remove without asking'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from rm" -l detach -d 'Also detach it from the agents it is attached to (otherwise that is refused)'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from rm" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from rm" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from remove" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from remove" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from remove" -s y -l yes -d 'Remove without asking'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from remove" -l detach -d 'Also detach it from the agents it is attached to (otherwise that is refused)'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from remove" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a provider\'s API key: hidden prompt, standard input, --from-file or --from-env'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from help" -f -a "set" -d 'Replace a provider key\'s value (a rotated key): same sources and checks as add'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from help" -f -a "test" -d 'Check keys with their providers (a cheap authenticated request) and record the status'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the provider keys: provider, entry, key hint, endpoint, status, when checked'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove a provider key (asks on a terminal; pass --yes otherwise)'
complete -c vault -n "__fish_vault_using_subcommand provider; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vault -n "__fish_vault_using_subcommand agent; and not __fish_seen_subcommand_from create set token rotate-token list ls show rm remove help" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand agent; and not __fish_seen_subcommand_from create set token rotate-token list ls show rm remove help" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand agent; and not __fish_seen_subcommand_from create set token rotate-token list ls show rm remove help" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand agent; and not __fish_seen_subcommand_from create set token rotate-token list ls show rm remove help" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand agent; and not __fish_seen_subcommand_from create set token rotate-token list ls show rm remove help" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand agent; and not __fish_seen_subcommand_from create set token rotate-token list ls show rm remove help" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand agent; and not __fish_seen_subcommand_from create set token rotate-token list ls show rm remove help" -f -a "create" -d 'Create an agent; with no name on a terminal, a short wizard asks for everything'
complete -c vault -n "__fish_vault_using_subcommand agent; and not __fish_seen_subcommand_from create set token rotate-token list ls show rm remove help" -f -a "set" -d 'Change an agent\'s stored image, command, keyless default, rate limits or budget'
complete -c vault -n "__fish_vault_using_subcommand agent; and not __fish_seen_subcommand_from create set token rotate-token list ls show rm remove help" -f -a "token" -d 'Create the agent\'s proxy token for `vault proxy` and show it, once (only its hash is kept)'
complete -c vault -n "__fish_vault_using_subcommand agent; and not __fish_seen_subcommand_from create set token rotate-token list ls show rm remove help" -f -a "rotate-token" -d 'Replace the agent\'s proxy token with a new one and show it, once; the old one stops working when `vault proxy` next starts'
complete -c vault -n "__fish_vault_using_subcommand agent; and not __fish_seen_subcommand_from create set token rotate-token list ls show rm remove help" -f -a "list" -d 'List the agents'
complete -c vault -n "__fish_vault_using_subcommand agent; and not __fish_seen_subcommand_from create set token rotate-token list ls show rm remove help" -f -a "ls" -d 'List the agents'
complete -c vault -n "__fish_vault_using_subcommand agent; and not __fish_seen_subcommand_from create set token rotate-token list ls show rm remove help" -f -a "show" -d 'Show an agent\'s attachments, and which changed since it was last started here'
complete -c vault -n "__fish_vault_using_subcommand agent; and not __fish_seen_subcommand_from create set token rotate-token list ls show rm remove help" -f -a "rm" -d 'Remove an agent (the entries it used stay in the vault)'
complete -c vault -n "__fish_vault_using_subcommand agent; and not __fish_seen_subcommand_from create set token rotate-token list ls show rm remove help" -f -a "remove" -d 'Remove an agent (the entries it used stay in the vault)'
complete -c vault -n "__fish_vault_using_subcommand agent; and not __fish_seen_subcommand_from create set token rotate-token list ls show rm remove help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from create" -l attach -d 'Entries to attach right away (as with `vault attach`)' -r
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from create" -l image -d 'A default container image for `vault run`' -r
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from create" -l network -d 'The network in the sandbox and in containers: host, proxy (only the vault proxy) or none' -r -f -a "host\t'The machine\'s network (the proxy on loopback)'
proxy\t'Its own network namespace, where the only thing reachable is the vault proxy'
none\t'Its own network namespace with nothing in it but loopback'"
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from create" -l allow-write -d 'A path the sandboxed agent may write besides its working directory; repeat it' -r -F
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from create" -l command -d 'A default command for `vault run` (put it last: everything after it is the command)' -r
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from create" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from create" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from create" -l keyless -d 'Start it keyless by default: `vault run` gives it a proxy and a token instead of its provider keys (and a sandbox)'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from create" -l sandbox -d 'Start it in a sandbox by default, keyless or not'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from create" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from create" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from set" -l image -d 'A default container image for `vault run`' -r
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from set" -l network -d 'The network in the sandbox and in containers: host, proxy (only the vault proxy) or none' -r -f -a "host\t'The machine\'s network (the proxy on loopback)'
proxy\t'Its own network namespace, where the only thing reachable is the vault proxy'
none\t'Its own network namespace with nothing in it but loopback'"
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from set" -l allow-write -d 'The paths the sandboxed agent may write besides its working directory (replaces the stored ones); repeat it for each' -r -F
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from set" -l rate -d 'Keyless mode\'s request limit for one provider, such as openai=100/60s, or PROVIDER=off for none; repeat it for each provider [default: openai 100/60s, anthropic 50/60s, others 100/60s]' -r
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from set" -l budget -d 'Keyless mode\'s spending limit in estimated US dollars per UTC day, calendar month or in total, such as 5usd/day, 50usd/month or 20usd/total' -r
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from set" -l requests -d 'Keyless limits on the agent\'s requests to every provider, per window of the clock, shared by every proxy serving it, such as 100/1m,5000/1d (replaces the stored ones; off for none)' -r
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from set" -l tokens -d 'Keyless limits on the tokens (input + output) the agent uses, per window of the clock, such as 200000/1m,2000000/1d (off for none)' -r
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from set" -l concurrency -d 'Keyless cap on the agent\'s requests under way at once, through every proxy serving it (off for none)' -r
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from set" -l models -d 'Keyless scope: the models the agent may use at one provider, exact names or prefixes ending in *, such as openai=gpt-4o-mini,gpt-4.1* (PROVIDER= allows every model again); repeat it for each provider' -r
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from set" -l endpoints -d 'Keyless scope: the endpoint classes the agent may use, such as chat,embeddings; every other class is refused' -r -f -a "chat\t'Chat completions, completions, messages, responses, realtime, generateContent'
embeddings\t''
models\t'Listing models and reading one'
audio\t''
images\t''
moderation\t''
files\t'Files and uploads'
fine-tuning\t''
batches\t''
assistants\t'Assistants, threads, vector stores'
admin\t'Organization, project and admin keys'
other\t'Any path not in a class above'"
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from set" -l openai-organization -d 'The OpenAI-Organization header the proxy sends for the agent (an agent\'s own is never passed on); empty for none' -r
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from set" -l openai-project -d 'The OpenAI-Project header the proxy sends for the agent; empty for none' -r
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from set" -l command -d 'A default command for `vault run` (put it last: everything after it is the command)' -r
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from set" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from set" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from set" -l no-image -d 'Forget the stored image'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from set" -l keyless -d 'Start it keyless by default (vault run --keyless)'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from set" -l no-keyless -d 'Start it with its keys by default again'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from set" -l sandbox -d 'Start it in a sandbox by default (keyless runs are sandboxed unless this is turned off)'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from set" -l no-sandbox -d 'Start it without a sandbox by default, even keyless'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from set" -l no-allow-write -d 'Forget the stored --allow-write paths'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from set" -l no-budget -d 'Remove the budget'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from set" -l all-endpoints -d 'Allow every endpoint class again'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from set" -l no-command -d 'Forget the stored command'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from set" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from set" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from set" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from token" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from token" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from token" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from token" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from token" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from token" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from rotate-token" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from rotate-token" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from rotate-token" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from rotate-token" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from rotate-token" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from rotate-token" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from list" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from list" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from list" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from ls" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from ls" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from ls" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from ls" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from show" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from show" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from show" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from rm" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from rm" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from rm" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from rm" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from remove" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from remove" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from remove" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create an agent; with no name on a terminal, a short wizard asks for everything'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from help" -f -a "set" -d 'Change an agent\'s stored image, command, keyless default, rate limits or budget'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from help" -f -a "token" -d 'Create the agent\'s proxy token for `vault proxy` and show it, once (only its hash is kept)'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from help" -f -a "rotate-token" -d 'Replace the agent\'s proxy token with a new one and show it, once; the old one stops working when `vault proxy` next starts'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the agents'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show an agent\'s attachments, and which changed since it was last started here'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove an agent (the entries it used stay in the vault)'
complete -c vault -n "__fish_vault_using_subcommand agent; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vault -n "__fish_vault_using_subcommand attach" -l as -d 'The environment variable the agent gets the entry as (one entry only)' -r
complete -c vault -n "__fish_vault_using_subcommand attach" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand attach" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand attach" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand attach" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand attach" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand attach" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand detach" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand detach" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand detach" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand detach" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand detach" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand detach" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand import" -l kind -d 'What the entries become' -r -f -a "auto\t'Secrets for sensitive-looking names and values, variables for the rest'
secret\t'Every entry a secret'
variable\t'Every entry a plain variable'"
complete -c vault -n "__fish_vault_using_subcommand import" -l attach -d 'Also attach every imported entry to this agent (created when it does not exist)' -r
complete -c vault -n "__fish_vault_using_subcommand import" -l on-conflict -d 'What to do when the vault already holds a name with another value' -r -f -a "fail\t'Import nothing, and name the clashing entries'
skip\t'Keep the vault\'s values for them; import the rest'
overwrite\t'Replace them with the file\'s values'"
complete -c vault -n "__fish_vault_using_subcommand import" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand import" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand import" -l dry-run -d 'Show what would happen (secret values hidden) and change nothing'
complete -c vault -n "__fish_vault_using_subcommand import" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand import" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand import" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vault -n "__fish_vault_using_subcommand import" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand export" -l format -d 'The output format [default: dotenv] (--json is short for --format json)' -r -f -a "dotenv\t'NAME=value lines, quoted where needed'
json\t'One JSON object of names and values'
shell\t'export NAME=\'value\' lines for sh and bash'
github\t'GitHub Actions: ::add-mask:: lines and $GITHUB_ENV blocks'"
complete -c vault -n "__fish_vault_using_subcommand export" -s o -l output -d 'Write to this file (mode 0600, replaced atomically) instead of standard output' -r -F
complete -c vault -n "__fish_vault_using_subcommand export" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand export" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand export" -l all -d 'Export every entry in the vault, under its own name'
complete -c vault -n "__fish_vault_using_subcommand export" -l reveal -d 'Print secret values even when standard output is a terminal'
complete -c vault -n "__fish_vault_using_subcommand export" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand export" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vault -n "__fish_vault_using_subcommand export" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand run" -l mask -d 'Replace attached secret values in the command\'s output with ***' -r -f -a "auto\t'Mask each output stream that is not a terminal (logs, files, pipes, CI)'
always\t'Mask both streams, also on a terminal (the output then passes through vault, so the command no longer sees a terminal there)'
never\t'Never mask: the command writes straight to vault\'s own output'"
complete -c vault -n "__fish_vault_using_subcommand run" -l image -d 'Run the command in a container of this image (default: the agent\'s stored image)' -r
complete -c vault -n "__fish_vault_using_subcommand run" -l engine -d 'The container engine: docker, podman or a path [default: VAULT_CONTAINER_ENGINE, else docker, else podman]' -r
complete -c vault -n "__fish_vault_using_subcommand run" -l engine-arg -d 'An extra argument for the engine\'s `run`, before the image (volumes, network, user); repeat it for each: --engine-arg=-v --engine-arg=/data:/data' -r
complete -c vault -n "__fish_vault_using_subcommand run" -l budget -d 'A spending limit for this run alone, in estimated US dollars, such as 2usd (keyless: the run\'s proxy refuses, with 402, a request that could take it past; the agent\'s own --budget holds too)' -r
complete -c vault -n "__fish_vault_using_subcommand run" -l network -d 'The network: host (the machine\'s), proxy (only the vault proxy) or none; for the sandbox and for containers alike [default: the agent\'s, else host for the sandbox and the engine\'s own for a container]' -r -f -a "host\t'The machine\'s network (the proxy on loopback)'
proxy\t'Its own network namespace, where the only thing reachable is the vault proxy'
none\t'Its own network namespace with nothing in it but loopback'"
complete -c vault -n "__fish_vault_using_subcommand run" -l allow-write -d 'A path the sandboxed command may write besides its working directory and /tmp; repeat it for each (added to the agent\'s own)' -r -F
complete -c vault -n "__fish_vault_using_subcommand run" -l hide -d 'A path the sandbox hides too; repeat it for each' -r -F
complete -c vault -n "__fish_vault_using_subcommand run" -l show -d 'A credential store the sandbox hides by default that this command may read (such as ~/.kube); repeat it for each' -r -F
complete -c vault -n "__fish_vault_using_subcommand run" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand run" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand run" -l keep-env -d 'Let inherited environment variables win over attached values of the same name'
complete -c vault -n "__fish_vault_using_subcommand run" -l isolate -d 'Start from a minimal environment (PATH, HOME, USER, LANG, LC_*, TERM, TZ, TMPDIR) plus the attached values, so the command inherits no other credentials'
complete -c vault -n "__fish_vault_using_subcommand run" -l no-container -d 'Run on this machine even when the agent has an image'
complete -c vault -n "__fish_vault_using_subcommand run" -l keyless -d 'Give the command a proxy on 127.0.0.1 and a token in place of each attached provider key: the key itself never reaches it (default: the agent\'s own setting)'
complete -c vault -n "__fish_vault_using_subcommand run" -l no-keyless -d 'Give the command its provider keys even when the agent is keyless by default'
complete -c vault -n "__fish_vault_using_subcommand run" -l sandbox -d 'Start the command in a sandbox, which hides vault\'s files, identities and other tools\' credentials and lets it write only its working directory, /tmp and --allow-write paths (default: for keyless runs, and the agent\'s own setting)'
complete -c vault -n "__fish_vault_using_subcommand run" -l no-sandbox -d 'Run without the sandbox, even keyless (stderr says what that leaves open)'
complete -c vault -n "__fish_vault_using_subcommand run" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand run" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand run" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vault -n "__fish_vault_using_subcommand run" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand proxy" -l listen -d 'Where to listen: a loopback address and port (127.0.0.1:PORT, [::1]:PORT or localhost:PORT), or a container bridge\'s, by name or address (docker0:PORT, 172.17.0.1:PORT) for containers; port 0 picks a free one' -r
complete -c vault -n "__fish_vault_using_subcommand proxy" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand proxy" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand proxy" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand proxy" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand proxy" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vault -n "__fish_vault_using_subcommand proxy" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand usage" -l agent -d 'Only this agent\'s requests' -r
complete -c vault -n "__fish_vault_using_subcommand usage" -l since -d 'Only requests within this long ago, such as 30m, 24h or 7d' -r
complete -c vault -n "__fish_vault_using_subcommand usage" -l by -d 'Group by these columns, such as agent,day [default: agent,provider,model]' -r -f -a "agent\t''
provider\t''
model\t''
day\t'The UTC day'"
complete -c vault -n "__fish_vault_using_subcommand usage" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand usage" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand usage" -l csv -d 'Print CSV (a header line, then one line per group); not with --json'
complete -c vault -n "__fish_vault_using_subcommand usage" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand usage" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand usage" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vault -n "__fish_vault_using_subcommand usage" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand audit" -l agent -d 'Only this agent\'s runs and the changes to it' -r
complete -c vault -n "__fish_vault_using_subcommand audit" -l since -d 'Only what happened within this long ago, such as 30m, 2h, 7d' -r
complete -c vault -n "__fish_vault_using_subcommand audit" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand audit" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand audit" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand audit" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand audit" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand audit" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand remote; and not __fish_seen_subcommand_from add list rm status help" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand remote; and not __fish_seen_subcommand_from add list rm status help" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand remote; and not __fish_seen_subcommand_from add list rm status help" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand remote; and not __fish_seen_subcommand_from add list rm status help" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand remote; and not __fish_seen_subcommand_from add list rm status help" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand remote; and not __fish_seen_subcommand_from add list rm status help" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand remote; and not __fish_seen_subcommand_from add list rm status help" -f -a "add" -d 'Add a remote (the mount is checked: it must be KV version 2)'
complete -c vault -n "__fish_vault_using_subcommand remote; and not __fish_seen_subcommand_from add list rm status help" -f -a "list" -d 'List the remotes'
complete -c vault -n "__fish_vault_using_subcommand remote; and not __fish_seen_subcommand_from add list rm status help" -f -a "rm" -d 'Remove a remote from this vault (nothing on the server changes)'
complete -c vault -n "__fish_vault_using_subcommand remote; and not __fish_seen_subcommand_from add list rm status help" -f -a "status" -d 'What differs between the vault and the server: names and versions, never values'
complete -c vault -n "__fish_vault_using_subcommand remote; and not __fish_seen_subcommand_from add list rm status help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vault -n "__fish_vault_using_subcommand remote; and __fish_seen_subcommand_from add" -l address -d 'The server [default: BAO_ADDR, else VAULT_ADDR]' -r
complete -c vault -n "__fish_vault_using_subcommand remote; and __fish_seen_subcommand_from add" -l mount -d 'The KV version 2 mount, such as secret' -r
complete -c vault -n "__fish_vault_using_subcommand remote; and __fish_seen_subcommand_from add" -l path -d 'Where under the mount this vault\'s entries go, the same for every teammate [default: the mount\'s top]' -r
complete -c vault -n "__fish_vault_using_subcommand remote; and __fish_seen_subcommand_from add" -l token-file -d 'A file holding the token (it wins over BAO_TOKEN, VAULT_TOKEN and ~/.vault-token)' -r -F
complete -c vault -n "__fish_vault_using_subcommand remote; and __fish_seen_subcommand_from add" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand remote; and __fish_seen_subcommand_from add" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand remote; and __fish_seen_subcommand_from add" -l allow-http -d 'Allow an http:// address off this machine: the token then crosses the network unencrypted, so only where that network is yours alone'
complete -c vault -n "__fish_vault_using_subcommand remote; and __fish_seen_subcommand_from add" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand remote; and __fish_seen_subcommand_from add" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand remote; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand remote; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand remote; and __fish_seen_subcommand_from list" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand remote; and __fish_seen_subcommand_from list" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand remote; and __fish_seen_subcommand_from list" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand remote; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand remote; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand remote; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand remote; and __fish_seen_subcommand_from rm" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand remote; and __fish_seen_subcommand_from rm" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand remote; and __fish_seen_subcommand_from rm" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand remote; and __fish_seen_subcommand_from rm" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand remote; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand remote; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand remote; and __fish_seen_subcommand_from status" -l token-file -d 'A file holding the token (it wins over BAO_TOKEN, VAULT_TOKEN and ~/.vault-token)' -r -F
complete -c vault -n "__fish_vault_using_subcommand remote; and __fish_seen_subcommand_from status" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand remote; and __fish_seen_subcommand_from status" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand remote; and __fish_seen_subcommand_from status" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand remote; and __fish_seen_subcommand_from status" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand remote; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand remote; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand remote; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a remote (the mount is checked: it must be KV version 2)'
complete -c vault -n "__fish_vault_using_subcommand remote; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the remotes'
complete -c vault -n "__fish_vault_using_subcommand remote; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove a remote from this vault (nothing on the server changes)'
complete -c vault -n "__fish_vault_using_subcommand remote; and __fish_seen_subcommand_from help" -f -a "status" -d 'What differs between the vault and the server: names and versions, never values'
complete -c vault -n "__fish_vault_using_subcommand remote; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vault -n "__fish_vault_using_subcommand pull" -l token-file -d 'A file holding the token (it wins over BAO_TOKEN, VAULT_TOKEN and ~/.vault-token)' -r -F
complete -c vault -n "__fish_vault_using_subcommand pull" -l max-age -d 'With --live: how old a kept value may be when the server cannot be reached [default: 1h]' -r
complete -c vault -n "__fish_vault_using_subcommand pull" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand pull" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand pull" -l dry-run -d 'Show what would change, by name, and change nothing'
complete -c vault -n "__fish_vault_using_subcommand pull" -l force -d 'Take the server\'s version also of what changed both here and there'
complete -c vault -n "__fish_vault_using_subcommand pull" -l live -d 'Make every pulled entry a live reference: fetched again each time an agent using it starts'
complete -c vault -n "__fish_vault_using_subcommand pull" -l prune -d 'Also remove here (detaching them) the entries deleted on the server since they were last synced, when unchanged here: how a revoked secret leaves teammates\' vaults'
complete -c vault -n "__fish_vault_using_subcommand pull" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand pull" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand pull" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand pull" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand push" -l token-file -d 'A file holding the token (it wins over BAO_TOKEN, VAULT_TOKEN and ~/.vault-token)' -r -F
complete -c vault -n "__fish_vault_using_subcommand push" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand push" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand push" -l force -d 'Write over what changed on the server since the last pull'
complete -c vault -n "__fish_vault_using_subcommand push" -l prune -d 'Also delete from the server the entries (and, pushing everything, the agents) removed here since they were last synced'
complete -c vault -n "__fish_vault_using_subcommand push" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand push" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand push" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand push" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand recipient; and not __fish_seen_subcommand_from add list ls rm remove help" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand recipient; and not __fish_seen_subcommand_from add list ls rm remove help" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand recipient; and not __fish_seen_subcommand_from add list ls rm remove help" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand recipient; and not __fish_seen_subcommand_from add list ls rm remove help" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand recipient; and not __fish_seen_subcommand_from add list ls rm remove help" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand recipient; and not __fish_seen_subcommand_from add list ls rm remove help" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand recipient; and not __fish_seen_subcommand_from add list ls rm remove help" -f -a "add" -d 'Let another key open the vault: age1…, "ssh-ed25519 AAAA…" or "ssh-rsa AAAA…", or a file that holds one (a .pub file, or what vault identity new --output wrote)'
complete -c vault -n "__fish_vault_using_subcommand recipient; and not __fish_seen_subcommand_from add list ls rm remove help" -f -a "list" -d 'List the recipients; yours is marked'
complete -c vault -n "__fish_vault_using_subcommand recipient; and not __fish_seen_subcommand_from add list ls rm remove help" -f -a "ls" -d 'List the recipients; yours is marked'
complete -c vault -n "__fish_vault_using_subcommand recipient; and not __fish_seen_subcommand_from add list ls rm remove help" -f -a "rm" -d 'Stop encrypting to a recipient (by key, label or unique key prefix)'
complete -c vault -n "__fish_vault_using_subcommand recipient; and not __fish_seen_subcommand_from add list ls rm remove help" -f -a "remove" -d 'Stop encrypting to a recipient (by key, label or unique key prefix)'
complete -c vault -n "__fish_vault_using_subcommand recipient; and not __fish_seen_subcommand_from add list ls rm remove help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vault -n "__fish_vault_using_subcommand recipient; and __fish_seen_subcommand_from add" -l label -d 'A name to recognise it by, such as "ci" or "alice" (default: the SSH comment)' -r
complete -c vault -n "__fish_vault_using_subcommand recipient; and __fish_seen_subcommand_from add" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand recipient; and __fish_seen_subcommand_from add" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand recipient; and __fish_seen_subcommand_from add" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand recipient; and __fish_seen_subcommand_from add" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand recipient; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand recipient; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand recipient; and __fish_seen_subcommand_from list" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand recipient; and __fish_seen_subcommand_from list" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand recipient; and __fish_seen_subcommand_from list" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand recipient; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand recipient; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand recipient; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand recipient; and __fish_seen_subcommand_from ls" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand recipient; and __fish_seen_subcommand_from ls" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand recipient; and __fish_seen_subcommand_from ls" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand recipient; and __fish_seen_subcommand_from ls" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand recipient; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand recipient; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand recipient; and __fish_seen_subcommand_from rm" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand recipient; and __fish_seen_subcommand_from rm" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand recipient; and __fish_seen_subcommand_from rm" -l force -d 'Remove it even when it is the last recipient you hold an identity for (you could no longer open the vault)'
complete -c vault -n "__fish_vault_using_subcommand recipient; and __fish_seen_subcommand_from rm" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand recipient; and __fish_seen_subcommand_from rm" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand recipient; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand recipient; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand recipient; and __fish_seen_subcommand_from remove" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand recipient; and __fish_seen_subcommand_from remove" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand recipient; and __fish_seen_subcommand_from remove" -l force -d 'Remove it even when it is the last recipient you hold an identity for (you could no longer open the vault)'
complete -c vault -n "__fish_vault_using_subcommand recipient; and __fish_seen_subcommand_from remove" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand recipient; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand recipient; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand recipient; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand recipient; and __fish_seen_subcommand_from help" -f -a "add" -d 'Let another key open the vault: age1…, "ssh-ed25519 AAAA…" or "ssh-rsa AAAA…", or a file that holds one (a .pub file, or what vault identity new --output wrote)'
complete -c vault -n "__fish_vault_using_subcommand recipient; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the recipients; yours is marked'
complete -c vault -n "__fish_vault_using_subcommand recipient; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Stop encrypting to a recipient (by key, label or unique key prefix)'
complete -c vault -n "__fish_vault_using_subcommand recipient; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vault -n "__fish_vault_using_subcommand identity; and not __fish_seen_subcommand_from new show export help" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand identity; and not __fish_seen_subcommand_from new show export help" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand identity; and not __fish_seen_subcommand_from new show export help" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand identity; and not __fish_seen_subcommand_from new show export help" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand identity; and not __fish_seen_subcommand_from new show export help" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand identity; and not __fish_seen_subcommand_from new show export help" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand identity; and not __fish_seen_subcommand_from new show export help" -f -a "new" -d 'Make a new age identity (for a CI runner, a teammate\'s machine): written to --output with mode 0600, or printed once to a non-terminal standard output; its recipient (age1…) goes to standard error. Needs no vault'
complete -c vault -n "__fish_vault_using_subcommand identity; and not __fish_seen_subcommand_from new show export help" -f -a "show" -d 'Print your public recipient (age1…) and where the identity is kept'
complete -c vault -n "__fish_vault_using_subcommand identity; and not __fish_seen_subcommand_from new show export help" -f -a "export" -d 'Print the secret key (AGE-SECRET-KEY-1…) to move it to CI as VAULT_IDENTITY'
complete -c vault -n "__fish_vault_using_subcommand identity; and not __fish_seen_subcommand_from new show export help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vault -n "__fish_vault_using_subcommand identity; and __fish_seen_subcommand_from new" -s o -l output -d 'Write it to this file (mode 0600; an existing file is never overwritten)' -r -F
complete -c vault -n "__fish_vault_using_subcommand identity; and __fish_seen_subcommand_from new" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand identity; and __fish_seen_subcommand_from new" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand identity; and __fish_seen_subcommand_from new" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand identity; and __fish_seen_subcommand_from new" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand identity; and __fish_seen_subcommand_from new" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand identity; and __fish_seen_subcommand_from new" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand identity; and __fish_seen_subcommand_from show" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand identity; and __fish_seen_subcommand_from show" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand identity; and __fish_seen_subcommand_from show" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand identity; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand identity; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand identity; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand identity; and __fish_seen_subcommand_from export" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand identity; and __fish_seen_subcommand_from export" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand identity; and __fish_seen_subcommand_from export" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand identity; and __fish_seen_subcommand_from export" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand identity; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand identity; and __fish_seen_subcommand_from export" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand identity; and __fish_seen_subcommand_from help" -f -a "new" -d 'Make a new age identity (for a CI runner, a teammate\'s machine): written to --output with mode 0600, or printed once to a non-terminal standard output; its recipient (age1…) goes to standard error. Needs no vault'
complete -c vault -n "__fish_vault_using_subcommand identity; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print your public recipient (age1…) and where the identity is kept'
complete -c vault -n "__fish_vault_using_subcommand identity; and __fish_seen_subcommand_from help" -f -a "export" -d 'Print the secret key (AGE-SECRET-KEY-1…) to move it to CI as VAULT_IDENTITY'
complete -c vault -n "__fish_vault_using_subcommand identity; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vault -n "__fish_vault_using_subcommand doctor" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand doctor" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand doctor" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand doctor" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand doctor" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand completions" -l vault -d 'The vault file [default: ~/.local/share/vault/vault.age]' -r -F
complete -c vault -n "__fish_vault_using_subcommand completions" -l identity -d 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried' -r -F
complete -c vault -n "__fish_vault_using_subcommand completions" -l json -d 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
complete -c vault -n "__fish_vault_using_subcommand completions" -s v -l verbose -d 'Say more about what happens (repeat for more); never prints values'
complete -c vault -n "__fish_vault_using_subcommand completions" -s h -l help -d 'Print help'
complete -c vault -n "__fish_vault_using_subcommand completions" -s V -l version -d 'Print version'
complete -c vault -n "__fish_vault_using_subcommand help; and not __fish_seen_subcommand_from init secret var get list provider agent attach detach import export run proxy usage audit remote pull push recipient identity doctor completions help" -f -a "init" -d 'Create a new vault and, unless you have one, an identity to open it'
complete -c vault -n "__fish_vault_using_subcommand help; and not __fish_seen_subcommand_from init secret var get list provider agent attach detach import export run proxy usage audit remote pull push recipient identity doctor completions help" -f -a "secret" -d 'Add, replace or remove secrets (values never shown in listings)'
complete -c vault -n "__fish_vault_using_subcommand help; and not __fish_seen_subcommand_from init secret var get list provider agent attach detach import export run proxy usage audit remote pull push recipient identity doctor completions help" -f -a "var" -d 'Set or remove plain variables (values shown in listings)'
complete -c vault -n "__fish_vault_using_subcommand help; and not __fish_seen_subcommand_from init secret var get list provider agent attach detach import export run proxy usage audit remote pull push recipient identity doctor completions help" -f -a "get" -d 'Print one entry\'s value, for `$(vault get NAME)` in scripts'
complete -c vault -n "__fish_vault_using_subcommand help; and not __fish_seen_subcommand_from init secret var get list provider agent attach detach import export run proxy usage audit remote pull push recipient identity doctor completions help" -f -a "list" -d 'List the entries: name, kind, value (variables only), last update'
complete -c vault -n "__fish_vault_using_subcommand help; and not __fish_seen_subcommand_from init secret var get list provider agent attach detach import export run proxy usage audit remote pull push recipient identity doctor completions help" -f -a "provider" -d 'Add, check, list or remove AI-provider keys (OpenAI, Anthropic, OpenRouter, …)'
complete -c vault -n "__fish_vault_using_subcommand help; and not __fish_seen_subcommand_from init secret var get list provider agent attach detach import export run proxy usage audit remote pull push recipient identity doctor completions help" -f -a "agent" -d 'Create, list, show or remove agents'
complete -c vault -n "__fish_vault_using_subcommand help; and not __fish_seen_subcommand_from init secret var get list provider agent attach detach import export run proxy usage audit remote pull push recipient identity doctor completions help" -f -a "attach" -d 'Attach entries to an agent (the agent is created when it does not exist)'
complete -c vault -n "__fish_vault_using_subcommand help; and not __fish_seen_subcommand_from init secret var get list provider agent attach detach import export run proxy usage audit remote pull push recipient identity doctor completions help" -f -a "detach" -d 'Detach entries from an agent'
complete -c vault -n "__fish_vault_using_subcommand help; and not __fish_seen_subcommand_from init secret var get list provider agent attach detach import export run proxy usage audit remote pull push recipient identity doctor completions help" -f -a "import" -d 'Add every entry of a .env file in one change (FILE, or - for standard input)'
complete -c vault -n "__fish_vault_using_subcommand help; and not __fish_seen_subcommand_from init secret var get list provider agent attach detach import export run proxy usage audit remote pull push recipient identity doctor completions help" -f -a "export" -d 'Print an agent\'s values, or every entry, as dotenv, JSON, shell or GitHub Actions input'
complete -c vault -n "__fish_vault_using_subcommand help; and not __fish_seen_subcommand_from init secret var get list provider agent attach detach import export run proxy usage audit remote pull push recipient identity doctor completions help" -f -a "run" -d 'Run a command with an agent\'s attached values added to its environment'
complete -c vault -n "__fish_vault_using_subcommand help; and not __fish_seen_subcommand_from init secret var get list provider agent attach detach import export run proxy usage audit remote pull push recipient identity doctor completions help" -f -a "proxy" -d 'Run the keyless proxy for every agent that has a proxy token (vault agent token)'
complete -c vault -n "__fish_vault_using_subcommand help; and not __fish_seen_subcommand_from init secret var get list provider agent attach detach import export run proxy usage audit remote pull push recipient identity doctor completions help" -f -a "usage" -d 'Show keyless mode\'s recorded usage: requests, tokens and estimated cost'
complete -c vault -n "__fish_vault_using_subcommand help; and not __fish_seen_subcommand_from init secret var get list provider agent attach detach import export run proxy usage audit remote pull push recipient identity doctor completions help" -f -a "audit" -d 'Show the audit log: runs and changes, with names, never values'
complete -c vault -n "__fish_vault_using_subcommand help; and not __fish_seen_subcommand_from init secret var get list provider agent attach detach import export run proxy usage audit remote pull push recipient identity doctor completions help" -f -a "remote" -d 'Connect the vault to a team\'s OpenBao or HashiCorp Vault server (KV version 2)'
complete -c vault -n "__fish_vault_using_subcommand help; and not __fish_seen_subcommand_from init secret var get list provider agent attach detach import export run proxy usage audit remote pull push recipient identity doctor completions help" -f -a "pull" -d 'Bring every secret of a remote into the vault, in one change'
complete -c vault -n "__fish_vault_using_subcommand help; and not __fish_seen_subcommand_from init secret var get list provider agent attach detach import export run proxy usage audit remote pull push recipient identity doctor completions help" -f -a "push" -d 'Write entries to a remote, never over a teammate\'s change (check-and-set)'
complete -c vault -n "__fish_vault_using_subcommand help; and not __fish_seen_subcommand_from init secret var get list provider agent attach detach import export run proxy usage audit remote pull push recipient identity doctor completions help" -f -a "recipient" -d 'Manage who can open the vault'
complete -c vault -n "__fish_vault_using_subcommand help; and not __fish_seen_subcommand_from init secret var get list provider agent attach detach import export run proxy usage audit remote pull push recipient identity doctor completions help" -f -a "identity" -d 'Show or export the identity that opens the vault'
complete -c vault -n "__fish_vault_using_subcommand help; and not __fish_seen_subcommand_from init secret var get list provider agent attach detach import export run proxy usage audit remote pull push recipient identity doctor completions help" -f -a "doctor" -d 'Check what works on this machine: the identity and whether it opens the vault, the keyring, file modes, container engines, the sandbox, the proxy\'s loopback (exit 1 when something fails); never prints a value'
complete -c vault -n "__fish_vault_using_subcommand help; and not __fish_seen_subcommand_from init secret var get list provider agent attach detach import export run proxy usage audit remote pull push recipient identity doctor completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c vault -n "__fish_vault_using_subcommand help; and not __fish_seen_subcommand_from init secret var get list provider agent attach detach import export run proxy usage audit remote pull push recipient identity doctor completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vault -n "__fish_vault_using_subcommand help; and __fish_seen_subcommand_from secret" -f -a "add" -d 'Add a new secret: hidden prompt, standard input, --from-file or --from-env; or, with --remote, a live reference fetched from the team\'s server each time an agent starts'
complete -c vault -n "__fish_vault_using_subcommand help; and __fish_seen_subcommand_from secret" -f -a "set" -d 'Replace the value of an existing secret (same sources as add)'
complete -c vault -n "__fish_vault_using_subcommand help; and __fish_seen_subcommand_from secret" -f -a "rm" -d 'Remove a secret (asks on a terminal; pass --yes otherwise)'
complete -c vault -n "__fish_vault_using_subcommand help; and __fish_seen_subcommand_from var" -f -a "set" -d 'Set a plain variable, creating it if needed (not for secrets: see `vault secret add`)'
complete -c vault -n "__fish_vault_using_subcommand help; and __fish_seen_subcommand_from var" -f -a "rm" -d 'Remove a plain variable'
complete -c vault -n "__fish_vault_using_subcommand help; and __fish_seen_subcommand_from provider" -f -a "add" -d 'Add a provider\'s API key: hidden prompt, standard input, --from-file or --from-env'
complete -c vault -n "__fish_vault_using_subcommand help; and __fish_seen_subcommand_from provider" -f -a "set" -d 'Replace a provider key\'s value (a rotated key): same sources and checks as add'
complete -c vault -n "__fish_vault_using_subcommand help; and __fish_seen_subcommand_from provider" -f -a "test" -d 'Check keys with their providers (a cheap authenticated request) and record the status'
complete -c vault -n "__fish_vault_using_subcommand help; and __fish_seen_subcommand_from provider" -f -a "list" -d 'List the provider keys: provider, entry, key hint, endpoint, status, when checked'
complete -c vault -n "__fish_vault_using_subcommand help; and __fish_seen_subcommand_from provider" -f -a "rm" -d 'Remove a provider key (asks on a terminal; pass --yes otherwise)'
complete -c vault -n "__fish_vault_using_subcommand help; and __fish_seen_subcommand_from agent" -f -a "create" -d 'Create an agent; with no name on a terminal, a short wizard asks for everything'
complete -c vault -n "__fish_vault_using_subcommand help; and __fish_seen_subcommand_from agent" -f -a "set" -d 'Change an agent\'s stored image, command, keyless default, rate limits or budget'
complete -c vault -n "__fish_vault_using_subcommand help; and __fish_seen_subcommand_from agent" -f -a "token" -d 'Create the agent\'s proxy token for `vault proxy` and show it, once (only its hash is kept)'
complete -c vault -n "__fish_vault_using_subcommand help; and __fish_seen_subcommand_from agent" -f -a "rotate-token" -d 'Replace the agent\'s proxy token with a new one and show it, once; the old one stops working when `vault proxy` next starts'
complete -c vault -n "__fish_vault_using_subcommand help; and __fish_seen_subcommand_from agent" -f -a "list" -d 'List the agents'
complete -c vault -n "__fish_vault_using_subcommand help; and __fish_seen_subcommand_from agent" -f -a "show" -d 'Show an agent\'s attachments, and which changed since it was last started here'
complete -c vault -n "__fish_vault_using_subcommand help; and __fish_seen_subcommand_from agent" -f -a "rm" -d 'Remove an agent (the entries it used stay in the vault)'
complete -c vault -n "__fish_vault_using_subcommand help; and __fish_seen_subcommand_from remote" -f -a "add" -d 'Add a remote (the mount is checked: it must be KV version 2)'
complete -c vault -n "__fish_vault_using_subcommand help; and __fish_seen_subcommand_from remote" -f -a "list" -d 'List the remotes'
complete -c vault -n "__fish_vault_using_subcommand help; and __fish_seen_subcommand_from remote" -f -a "rm" -d 'Remove a remote from this vault (nothing on the server changes)'
complete -c vault -n "__fish_vault_using_subcommand help; and __fish_seen_subcommand_from remote" -f -a "status" -d 'What differs between the vault and the server: names and versions, never values'
complete -c vault -n "__fish_vault_using_subcommand help; and __fish_seen_subcommand_from recipient" -f -a "add" -d 'Let another key open the vault: age1…, "ssh-ed25519 AAAA…" or "ssh-rsa AAAA…", or a file that holds one (a .pub file, or what vault identity new --output wrote)'
complete -c vault -n "__fish_vault_using_subcommand help; and __fish_seen_subcommand_from recipient" -f -a "list" -d 'List the recipients; yours is marked'
complete -c vault -n "__fish_vault_using_subcommand help; and __fish_seen_subcommand_from recipient" -f -a "rm" -d 'Stop encrypting to a recipient (by key, label or unique key prefix)'
complete -c vault -n "__fish_vault_using_subcommand help; and __fish_seen_subcommand_from identity" -f -a "new" -d 'Make a new age identity (for a CI runner, a teammate\'s machine): written to --output with mode 0600, or printed once to a non-terminal standard output; its recipient (age1…) goes to standard error. Needs no vault'
complete -c vault -n "__fish_vault_using_subcommand help; and __fish_seen_subcommand_from identity" -f -a "show" -d 'Print your public recipient (age1…) and where the identity is kept'
complete -c vault -n "__fish_vault_using_subcommand help; and __fish_seen_subcommand_from identity" -f -a "export" -d 'Print the secret key (AGE-SECRET-KEY-1…) to move it to CI as VAULT_IDENTITY'
