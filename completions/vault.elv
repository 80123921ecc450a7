
use builtin;
use str;

set edit:completion:arg-completer[vault] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'vault'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'vault'= {
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand init 'Create a new vault and, unless you have one, an identity to open it'
            cand secret 'Add, replace or remove secrets (values never shown in listings)'
            cand var 'Set or remove plain variables (values shown in listings)'
            cand get 'Print one entry''s value, for `$(vault get NAME)` in scripts'
            cand list 'List the entries: name, kind, value (variables only), last update'
            cand ls 'List the entries: name, kind, value (variables only), last update'
            cand provider 'Add, check, list or remove AI-provider keys (OpenAI, Anthropic, OpenRouter, …)'
            cand agent 'Create, list, show or remove agents'
            cand attach 'Attach entries to an agent (the agent is created when it does not exist)'
            cand detach 'Detach entries from an agent'
            cand import 'Add every entry of a .env file in one change (FILE, or - for standard input)'
            cand export 'Print an agent''s values, or every entry, as dotenv, JSON, shell or GitHub Actions input'
            cand run 'Run a command with an agent''s attached values added to its environment'
            cand proxy 'Run the keyless proxy for every agent that has a proxy token (vault agent token)'
            cand usage 'Show keyless mode''s recorded usage: requests, tokens and estimated cost'
            cand audit 'Show the audit log: runs and changes, with names, never values'
            cand remote 'Connect the vault to a team''s OpenBao or HashiCorp Vault server (KV version 2)'
            cand pull 'Bring every secret of a remote into the vault, in one change'
            cand push 'Write entries to a remote, never over a teammate''s change (check-and-set)'
            cand recipient 'Manage who can open the vault'
            cand identity 'Show or export the identity that opens the vault'
            cand doctor 'Check what works on this machine: the identity and whether it opens the vault, the keyring, file modes, container engines, the sandbox, the proxy''s loopback (exit 1 when something fails); never prints a value'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vault;init'= {
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --passphrase 'Protect the new identity file with a passphrase (age scrypt); asked on a terminal, else taken from VAULT_PASSPHRASE'
            cand --no-keyring 'Keep the new identity in a file in the config directory, not in the OS keyring'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;secret'= {
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Add a new secret: hidden prompt, standard input, --from-file or --from-env; or, with --remote, a live reference fetched from the team''s server each time an agent starts'
            cand set 'Replace the value of an existing secret (same sources as add)'
            cand rm 'Remove a secret (asks on a terminal; pass --yes otherwise)'
            cand remove 'Remove a secret (asks on a terminal; pass --yes otherwise)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vault;secret;add'= {
            cand --from-file 'Read the value from this file (one trailing newline is dropped)'
            cand --from-env 'Read the value from this environment variable'
            cand --remote 'Fetch its value from this remote when an agent using it starts, and while a keyless proxy serves it (the value is kept here too, for when the server cannot be reached)'
            cand --max-age 'How old the value kept here may be when the server cannot be reached [default: 1h]; a running proxy fetches it again four times within it, at least every 5 min'
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;secret;set'= {
            cand --from-file 'Read the value from this file (one trailing newline is dropped)'
            cand --from-env 'Read the value from this environment variable'
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;secret;rm'= {
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand -y 'Remove without asking'
            cand --yes 'Remove without asking'
            cand --detach 'Also detach it from the agents it is attached to (otherwise that is refused)'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;secret;remove'= {
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand -y 'Remove without asking'
            cand --yes 'Remove without asking'
            cand --detach 'Also detach it from the agents it is attached to (otherwise that is refused)'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;secret;help'= {
            cand add 'Add a new secret: hidden prompt, standard input, --from-file or --from-env; or, with --remote, a live reference fetched from the team''s server each time an agent starts'
            cand set 'Replace the value of an existing secret (same sources as add)'
            cand rm 'Remove a secret (asks on a terminal; pass --yes otherwise)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vault;secret;help;add'= {
        }
        &'vault;secret;help;set'= {
        }
        &'vault;secret;help;rm'= {
        }
        &'vault;secret;help;help'= {
        }
        &'vault;var'= {
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand set 'Set a plain variable, creating it if needed (not for secrets: see `vault secret add`)'
            cand rm 'Remove a plain variable'
            cand remove 'Remove a plain variable'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vault;var;set'= {
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;var;rm'= {
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --detach 'Also detach it from the agents it is attached to (otherwise that is refused)'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;var;remove'= {
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --detach 'Also detach it from the agents it is attached to (otherwise that is refused)'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;var;help'= {
            cand set 'Set a plain variable, creating it if needed (not for secrets: see `vault secret add`)'
            cand rm 'Remove a plain variable'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vault;var;help;set'= {
        }
        &'vault;var;help;rm'= {
        }
        &'vault;var;help;help'= {
        }
        &'vault;get'= {
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand -n 'Do not print a newline after the value'
            cand --no-newline 'Do not print a newline after the value'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;list'= {
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;ls'= {
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;provider'= {
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Add a provider''s API key: hidden prompt, standard input, --from-file or --from-env'
            cand set 'Replace a provider key''s value (a rotated key): same sources and checks as add'
            cand test 'Check keys with their providers (a cheap authenticated request) and record the status'
            cand list 'List the provider keys: provider, entry, key hint, endpoint, status, when checked'
            cand ls 'List the provider keys: provider, entry, key hint, endpoint, status, when checked'
            cand rm 'Remove a provider key (asks on a terminal; pass --yes otherwise)'
            cand remove 'Remove a provider key (asks on a terminal; pass --yes otherwise)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vault;provider;add'= {
            cand --name 'The entry''s name [default: the variable the provider''s SDKs read, e.g. OPENAI_API_KEY]'
            cand --base-url 'Another endpoint for this key (a proxy, a gateway, a local server); required for custom'
            cand --from-file 'Read the value from this file (one trailing newline is dropped)'
            cand --from-env 'Read the value from this environment variable'
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --force 'Store the key even when it does not look like the provider''s keys'
            cand --verify 'Check the key with the provider first (as `vault provider test`); an invalid key is then not stored'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;provider;set'= {
            cand --from-file 'Read the value from this file (one trailing newline is dropped)'
            cand --from-env 'Read the value from this environment variable'
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --force 'Store the key even when it does not look like the provider''s keys'
            cand --verify 'Check the key with the provider first (as `vault provider test`); an invalid key is then not stored'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;provider;test'= {
            cand --timeout 'Give up on a provider after this many seconds'
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --all 'Check every provider key in the vault'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;provider;list'= {
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;provider;ls'= {
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;provider;rm'= {
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand -y 'Remove without asking'
            cand --yes 'Remove without asking'
            cand --detach 'Also detach it from the agents it is attached to (otherwise that is refused)'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;provider;remove'= {
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand -y 'Remove without asking'
            cand --yes 'Remove without asking'
            cand --detach 'Also detach it from the agents it is attached to (otherwise that is refused)'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;provider;help'= {
            cand add 'Add a provider''s API key: hidden prompt, standard input, --from-file or --from-env'
            cand set 'Replace a provider key''s value (a rotated key): same sources and checks as add'
            cand test 'Check keys with their providers (a cheap authenticated request) and record the status'
            cand list 'List the provider keys: provider, entry, key hint, endpoint, status, when checked'
            cand rm 'Remove a provider key (asks on a terminal; pass --yes otherwise)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vault;provider;help;add'= {
        }
        &'vault;provider;help;set'= {
        }
        &'vault;provider;help;test'= {
        }
        &'vault;provider;help;list'= {
        }
        &'vault;provider;help;rm'= {
        }
        &'vault;provider;help;help'= {
        }
        &'vault;agent'= {
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand create 'Create an agent; with no name on a terminal, a short wizard asks for everything'
            cand set 'Change an agent''s stored image, command, keyless default, rate limits or budget'
            cand token 'Create the agent''s proxy token for `vault proxy` and show it, once (only its hash is kept)'
            cand rotate-token 'Replace the agent''s proxy token with a new one and show it, once; the old one stops working when `vault proxy` next starts'
            cand list 'List the agents'
            cand ls 'List the agents'
            cand show 'Show an agent''s attachments, and which changed since it was last started here'
            cand rm 'Remove an agent (the entries it used stay in the vault)'
            cand remove 'Remove an agent (the entries it used stay in the vault)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vault;agent;create'= {
            cand --attach 'Entries to attach right away (as with `vault attach`)'
            cand --image 'A default container image for `vault run`'
            cand --network 'The network in the sandbox and in containers: host, proxy (only the vault proxy) or none'
            cand --allow-write 'A path the sandboxed agent may write besides its working directory; repeat it'
            cand --command 'A default command for `vault run` (put it last: everything after it is the command)'
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --keyless 'Start it keyless by default: `vault run` gives it a proxy and a token instead of its provider keys (and a sandbox)'
            cand --sandbox 'Start it in a sandbox by default, keyless or not'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;agent;set'= {
            cand --image 'A default container image for `vault run`'
            cand --network 'The network in the sandbox and in containers: host, proxy (only the vault proxy) or none'
            cand --allow-write 'The paths the sandboxed agent may write besides its working directory (replaces the stored ones); repeat it for each'
            cand --rate 'Keyless mode''s request limit for one provider, such as openai=100/60s, or PROVIDER=off for none; repeat it for each provider [default: openai 100/60s, anthropic 50/60s, others 100/60s]'
            cand --budget 'Keyless mode''s spending limit in estimated US dollars per UTC day, calendar month or in total, such as 5usd/day, 50usd/month or 20usd/total'
            cand --requests 'Keyless limits on the agent''s requests to every provider, per window of the clock, shared by every proxy serving it, such as 100/1m,5000/1d (replaces the stored ones; off for none)'
            cand --tokens 'Keyless limits on the tokens (input + output) the agent uses, per window of the clock, such as 200000/1m,2000000/1d (off for none)'
            cand --concurrency 'Keyless cap on the agent''s requests under way at once, through every proxy serving it (off for none)'
            cand --models 'Keyless scope: the models the agent may use at one provider, exact names or prefixes ending in *, such as openai=gpt-4o-mini,gpt-4.1* (PROVIDER= allows every model again); repeat it for each provider'
            cand --endpoints 'Keyless scope: the endpoint classes the agent may use, such as chat,embeddings; every other class is refused'
            cand --openai-organization 'The OpenAI-Organization header the proxy sends for the agent (an agent''s own is never passed on); empty for none'
            cand --openai-project 'The OpenAI-Project header the proxy sends for the agent; empty for none'
            cand --command 'A default command for `vault run` (put it last: everything after it is the command)'
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --no-image 'Forget the stored image'
            cand --keyless 'Start it keyless by default (vault run --keyless)'
            cand --no-keyless 'Start it with its keys by default again'
            cand --sandbox 'Start it in a sandbox by default (keyless runs are sandboxed unless this is turned off)'
            cand --no-sandbox 'Start it without a sandbox by default, even keyless'
            cand --no-allow-write 'Forget the stored --allow-write paths'
            cand --no-budget 'Remove the budget'
            cand --all-endpoints 'Allow every endpoint class again'
            cand --no-command 'Forget the stored command'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;agent;token'= {
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;agent;rotate-token'= {
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;agent;list'= {
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;agent;ls'= {
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;agent;show'= {
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;agent;rm'= {
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;agent;remove'= {
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;agent;help'= {
            cand create 'Create an agent; with no name on a terminal, a short wizard asks for everything'
            cand set 'Change an agent''s stored image, command, keyless default, rate limits or budget'
            cand token 'Create the agent''s proxy token for `vault proxy` and show it, once (only its hash is kept)'
            cand rotate-token 'Replace the agent''s proxy token with a new one and show it, once; the old one stops working when `vault proxy` next starts'
            cand list 'List the agents'
            cand show 'Show an agent''s attachments, and which changed since it was last started here'
            cand rm 'Remove an agent (the entries it used stay in the vault)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vault;agent;help;create'= {
        }
        &'vault;agent;help;set'= {
        }
        &'vault;agent;help;token'= {
        }
        &'vault;agent;help;rotate-token'= {
        }
        &'vault;agent;help;list'= {
        }
        &'vault;agent;help;show'= {
        }
        &'vault;agent;help;rm'= {
        }
        &'vault;agent;help;help'= {
        }
        &'vault;attach'= {
            cand --as 'The environment variable the agent gets the entry as (one entry only)'
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;detach'= {
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;import'= {
            cand --kind 'What the entries become'
            cand --attach 'Also attach every imported entry to this agent (created when it does not exist)'
            cand --on-conflict 'What to do when the vault already holds a name with another value'
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --dry-run 'Show what would happen (secret values hidden) and change nothing'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;export'= {
            cand --format 'The output format [default: dotenv] (--json is short for --format json)'
            cand -o 'Write to this file (mode 0600, replaced atomically) instead of standard output'
            cand --output 'Write to this file (mode 0600, replaced atomically) instead of standard output'
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --all 'Export every entry in the vault, under its own name'
            cand --reveal 'Print secret values even when standard output is a terminal'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;run'= {
            cand --mask 'Replace attached secret values in the command''s output with ***'
            cand --image 'Run the command in a container of this image (default: the agent''s stored image)'
            cand --engine 'The container engine: docker, podman or a path [default: VAULT_CONTAINER_ENGINE, else docker, else podman]'
            cand --engine-arg 'An extra argument for the engine''s `run`, before the image (volumes, network, user); repeat it for each: --engine-arg=-v --engine-arg=/data:/data'
            cand --budget 'A spending limit for this run alone, in estimated US dollars, such as 2usd (keyless: the run''s proxy refuses, with 402, a request that could take it past; the agent''s own --budget holds too)'
            cand --network 'The network: host (the machine''s), proxy (only the vault proxy) or none; for the sandbox and for containers alike [default: the agent''s, else host for the sandbox and the engine''s own for a container]'
            cand --allow-write 'A path the sandboxed command may write besides its working directory and /tmp; repeat it for each (added to the agent''s own)'
            cand --hide 'A path the sandbox hides too; repeat it for each'
            cand --show 'A credential store the sandbox hides by default that this command may read (such as ~/.kube); repeat it for each'
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --keep-env 'Let inherited environment variables win over attached values of the same name'
            cand --isolate 'Start from a minimal environment (PATH, HOME, USER, LANG, LC_*, TERM, TZ, TMPDIR) plus the attached values, so the command inherits no other credentials'
            cand --no-container 'Run on this machine even when the agent has an image'
            cand --keyless 'Give the command a proxy on 127.0.0.1 and a token in place of each attached provider key: the key itself never reaches it (default: the agent''s own setting)'
            cand --no-keyless 'Give the command its provider keys even when the agent is keyless by default'
            cand --sandbox 'Start the command in a sandbox, which hides vault''s files, identities and other tools'' credentials and lets it write only its working directory, /tmp and --allow-write paths (default: for keyless runs, and the agent''s own setting)'
            cand --no-sandbox 'Run without the sandbox, even keyless (stderr says what that leaves open)'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;proxy'= {
            cand --listen 'Where to listen: a loopback address and port (127.0.0.1:PORT, [::1]:PORT or localhost:PORT), or a container bridge''s, by name or address (docker0:PORT, 172.17.0.1:PORT) for containers; port 0 picks a free one'
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;usage'= {
            cand --agent 'Only this agent''s requests'
            cand --since 'Only requests within this long ago, such as 30m, 24h or 7d'
            cand --by 'Group by these columns, such as agent,day [default: agent,provider,model]'
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --csv 'Print CSV (a header line, then one line per group); not with --json'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;audit'= {
            cand --agent 'Only this agent''s runs and the changes to it'
            cand --since 'Only what happened within this long ago, such as 30m, 2h, 7d'
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;remote'= {
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Add a remote (the mount is checked: it must be KV version 2)'
            cand list 'List the remotes'
            cand rm 'Remove a remote from this vault (nothing on the server changes)'
            cand status 'What differs between the vault and the server: names and versions, never values'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vault;remote;add'= {
            cand --address 'The server [default: BAO_ADDR, else VAULT_ADDR]'
            cand --mount 'The KV version 2 mount, such as secret'
            cand --path 'Where under the mount this vault''s entries go, the same for every teammate [default: the mount''s top]'
            cand --token-file 'A file holding the token (it wins over BAO_TOKEN, VAULT_TOKEN and ~/.vault-token)'
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --allow-http 'Allow an http:// address off this machine: the token then crosses the network unencrypted, so only where that network is yours alone'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;remote;list'= {
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;remote;rm'= {
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;remote;status'= {
            cand --token-file 'A file holding the token (it wins over BAO_TOKEN, VAULT_TOKEN and ~/.vault-token)'
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;remote;help'= {
            cand add 'Add a remote (the mount is checked: it must be KV version 2)'
            cand list 'List the remotes'
            cand rm 'Remove a remote from this vault (nothing on the server changes)'
            cand status 'What differs between the vault and the server: names and versions, never values'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vault;remote;help;add'= {
        }
        &'vault;remote;help;list'= {
        }
        &'vault;remote;help;rm'= {
        }
        &'vault;remote;help;status'= {
        }
        &'vault;remote;help;help'= {
        }
        &'vault;pull'= {
            cand --token-file 'A file holding the token (it wins over BAO_TOKEN, VAULT_TOKEN and ~/.vault-token)'
            cand --max-age 'With --live: how old a kept value may be when the server cannot be reached [default: 1h]'
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --dry-run 'Show what would change, by name, and change nothing'
            cand --force 'Take the server''s version also of what changed both here and there'
            cand --live 'Make every pulled entry a live reference: fetched again each time an agent using it starts'
            cand --prune 'Also remove here (detaching them) the entries deleted on the server since they were last synced, when unchanged here: how a revoked secret leaves teammates'' vaults'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;push'= {
            cand --token-file 'A file holding the token (it wins over BAO_TOKEN, VAULT_TOKEN and ~/.vault-token)'
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --force 'Write over what changed on the server since the last pull'
            cand --prune 'Also delete from the server the entries (and, pushing everything, the agents) removed here since they were last synced'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;recipient'= {
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Let another key open the vault: age1…, "ssh-ed25519 AAAA…" or "ssh-rsa AAAA…", or a file that holds one (a .pub file, or what vault identity new --output wrote)'
            cand list 'List the recipients; yours is marked'
            cand ls 'List the recipients; yours is marked'
            cand rm 'Stop encrypting to a recipient (by key, label or unique key prefix)'
            cand remove 'Stop encrypting to a recipient (by key, label or unique key prefix)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vault;recipient;add'= {
            cand --label 'A name to recognise it by, such as "ci" or "alice" (default: the SSH comment)'
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;recipient;list'= {
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;recipient;ls'= {
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;recipient;rm'= {
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --force 'Remove it even when it is the last recipient you hold an identity for (you could no longer open the vault)'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;recipient;remove'= {
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --force 'Remove it even when it is the last recipient you hold an identity for (you could no longer open the vault)'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;recipient;help'= {
            cand add 'Let another key open the vault: age1…, "ssh-ed25519 AAAA…" or "ssh-rsa AAAA…", or a file that holds one (a .pub file, or what vault identity new --output wrote)'
            cand list 'List the recipients; yours is marked'
            cand rm 'Stop encrypting to a recipient (by key, label or unique key prefix)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vault;recipient;help;add'= {
        }
        &'vault;recipient;help;list'= {
        }
        &'vault;recipient;help;rm'= {
        }
        &'vault;recipient;help;help'= {
        }
        &'vault;identity'= {
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand new 'Make a new age identity (for a CI runner, a teammate''s machine): written to --output with mode 0600, or printed once to a non-terminal standard output; its recipient (age1…) goes to standard error. Needs no vault'
            cand show 'Print your public recipient (age1…) and where the identity is kept'
            cand export 'Print the secret key (AGE-SECRET-KEY-1…) to move it to CI as VAULT_IDENTITY'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vault;identity;new'= {
            cand -o 'Write it to this file (mode 0600; an existing file is never overwritten)'
            cand --output 'Write it to this file (mode 0600; an existing file is never overwritten)'
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;identity;show'= {
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;identity;export'= {
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;identity;help'= {
            cand new 'Make a new age identity (for a CI runner, a teammate''s machine): written to --output with mode 0600, or printed once to a non-terminal standard output; its recipient (age1…) goes to standard error. Needs no vault'
            cand show 'Print your public recipient (age1…) and where the identity is kept'
            cand export 'Print the secret key (AGE-SECRET-KEY-1…) to move it to CI as VAULT_IDENTITY'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vault;identity;help;new'= {
        }
        &'vault;identity;help;show'= {
        }
        &'vault;identity;help;export'= {
        }
        &'vault;identity;help;help'= {
        }
        &'vault;doctor'= {
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;completions'= {
            cand --vault 'The vault file [default: ~/.local/share/vault/vault.age]'
            cand --identity 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried'
            cand --json 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)'
            cand -v 'Say more about what happens (repeat for more); never prints values'
            cand --verbose 'Say more about what happens (repeat for more); never prints values'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'vault;help'= {
            cand init 'Create a new vault and, unless you have one, an identity to open it'
            cand secret 'Add, replace or remove secrets (values never shown in listings)'
            cand var 'Set or remove plain variables (values shown in listings)'
            cand get 'Print one entry''s value, for `$(vault get NAME)` in scripts'
            cand list 'List the entries: name, kind, value (variables only), last update'
            cand provider 'Add, check, list or remove AI-provider keys (OpenAI, Anthropic, OpenRouter, …)'
            cand agent 'Create, list, show or remove agents'
            cand attach 'Attach entries to an agent (the agent is created when it does not exist)'
            cand detach 'Detach entries from an agent'
            cand import 'Add every entry of a .env file in one change (FILE, or - for standard input)'
            cand export 'Print an agent''s values, or every entry, as dotenv, JSON, shell or GitHub Actions input'
            cand run 'Run a command with an agent''s attached values added to its environment'
            cand proxy 'Run the keyless proxy for every agent that has a proxy token (vault agent token)'
            cand usage 'Show keyless mode''s recorded usage: requests, tokens and estimated cost'
            cand audit 'Show the audit log: runs and changes, with names, never values'
            cand remote 'Connect the vault to a team''s OpenBao or HashiCorp Vault server (KV version 2)'
            cand pull 'Bring every secret of a remote into the vault, in one change'
            cand push 'Write entries to a remote, never over a teammate''s change (check-and-set)'
            cand recipient 'Manage who can open the vault'
            cand identity 'Show or export the identity that opens the vault'
            cand doctor 'Check what works on this machine: the identity and whether it opens the vault, the keyring, file modes, container engines, the sandbox, the proxy''s loopback (exit 1 when something fails); never prints a value'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vault;help;init'= {
        }
        &'vault;help;secret'= {
            cand add 'Add a new secret: hidden prompt, standard input, --from-file or --from-env; or, with --remote, a live reference fetched from the team''s server each time an agent starts'
            cand set 'Replace the value of an existing secret (same sources as add)'
            cand rm 'Remove a secret (asks on a terminal; pass --yes otherwise)'
        }
        &'vault;help;secret;add'= {
        }
        &'vault;help;secret;set'= {
        }
        &'vault;help;secret;rm'= {
        }
        &'vault;help;var'= {
            cand set 'Set a plain variable, creating it if needed (not for secrets: see `vault secret add`)'
            cand rm 'Remove a plain variable'
        }
        &'vault;help;var;set'= {
        }
        &'vault;help;var;rm'= {
        }
        &'vault;help;get'= {
        }
        &'vault;help;list'= {
        }
        &'vault;help;provider'= {
            cand add 'Add a provider''s API key: hidden prompt, standard input, --from-file or --from-env'
            cand set 'Replace a provider key''s value (a rotated key): same sources and checks as add'
            cand test 'Check keys with their providers (a cheap authenticated request) and record the status'
            cand list 'List the provider keys: provider, entry, key hint, endpoint, status, when checked'
            cand rm 'Remove a provider key (asks on a terminal; pass --yes otherwise)'
        }
        &'vault;help;provider;add'= {
        }
        &'vault;help;provider;set'= {
        }
        &'vault;help;provider;test'= {
        }
        &'vault;help;provider;list'= {
        }
        &'vault;help;provider;rm'= {
        }
        &'vault;help;agent'= {
            cand create 'Create an agent; with no name on a terminal, a short wizard asks for everything'
            cand set 'Change an agent''s stored image, command, keyless default, rate limits or budget'
            cand token 'Create the agent''s proxy token for `vault proxy` and show it, once (only its hash is kept)'
            cand rotate-token 'Replace the agent''s proxy token with a new one and show it, once; the old one stops working when `vault proxy` next starts'
            cand list 'List the agents'
            cand show 'Show an agent''s attachments, and which changed since it was last started here'
            cand rm 'Remove an agent (the entries it used stay in the vault)'
        }
        &'vault;help;agent;create'= {
        }
        &'vault;help;agent;set'= {
        }
        &'vault;help;agent;token'= {
        }
        &'vault;help;agent;rotate-token'= {
        }
        &'vault;help;agent;list'= {
        }
        &'vault;help;agent;show'= {
        }
        &'vault;help;agent;rm'= {
        }
        &'vault;help;attach'= {
        }
        &'vault;help;detach'= {
        }
        &'vault;help;import'= {
        }
        &'vault;help;export'= {
        }
        &'vault;help;run'= {
        }
        &'vault;help;proxy'= {
        }
        &'vault;help;usage'= {
        }
        &'vault;help;audit'= {
        }
        &'vault;help;remote'= {
            cand add 'Add a remote (the mount is checked: it must be KV version 2)'
            cand list 'List the remotes'
            cand rm 'Remove a remote from this vault (nothing on the server changes)'
            cand status 'What differs between the vault and the server: names and versions, never values'
        }
        &'vault;help;remote;add'= {
        }
        &'vault;help;remote;list'= {
        }
        &'vault;help;remote;rm'= {
        }
        &'vault;help;remote;status'= {
        }
        &'vault;help;pull'= {
        }
        &'vault;help;push'= {
        }
        &'vault;help;recipient'= {
            cand add 'Let another key open the vault: age1…, "ssh-ed25519 AAAA…" or "ssh-rsa AAAA…", or a file that holds one (a .pub file, or what vault identity new --output wrote)'
            cand list 'List the recipients; yours is marked'
            cand rm 'Stop encrypting to a recipient (by key, label or unique key prefix)'
        }
        &'vault;help;recipient;add'= {
        }
        &'vault;help;recipient;list'= {
        }
        &'vault;help;recipient;rm'= {
        }
        &'vault;help;identity'= {
            cand new 'Make a new age identity (for a CI runner, a teammate''s machine): written to --output with mode 0600, or printed once to a non-terminal standard output; its recipient (age1…) goes to standard error. Needs no vault'
            cand show 'Print your public recipient (age1…) and where the identity is kept'
            cand export 'Print the secret key (AGE-SECRET-KEY-1…) to move it to CI as VAULT_IDENTITY'
        }
        &'vault;help;identity;new'= {
        }
        &'vault;help;identity;show'= {
        }
        &'vault;help;identity;export'= {
        }
        &'vault;help;doctor'= {
        }
        &'vault;help;completions'= {
        }
        &'vault;help;help'= {
        }
    ]
    $completions[$command]
}
