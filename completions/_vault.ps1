
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'vault' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'vault'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'vault' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create a new vault and, unless you have one, an identity to open it')
            [CompletionResult]::new('secret', 'secret', [CompletionResultType]::ParameterValue, 'Add, replace or remove secrets (values never shown in listings)')
            [CompletionResult]::new('var', 'var', [CompletionResultType]::ParameterValue, 'Set or remove plain variables (values shown in listings)')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print one entry''s value, for `$(vault get NAME)` in scripts')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the entries: name, kind, value (variables only), last update')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List the entries: name, kind, value (variables only), last update')
            [CompletionResult]::new('provider', 'provider', [CompletionResultType]::ParameterValue, 'Add, check, list or remove AI-provider keys (OpenAI, Anthropic, OpenRouter, …)')
            [CompletionResult]::new('agent', 'agent', [CompletionResultType]::ParameterValue, 'Create, list, show or remove agents')
            [CompletionResult]::new('attach', 'attach', [CompletionResultType]::ParameterValue, 'Attach entries to an agent (the agent is created when it does not exist)')
            [CompletionResult]::new('detach', 'detach', [CompletionResultType]::ParameterValue, 'Detach entries from an agent')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Add every entry of a .env file in one change (FILE, or - for standard input)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print an agent''s values, or every entry, as dotenv, JSON, shell or GitHub Actions input')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run a command with an agent''s attached values added to its environment')
            [CompletionResult]::new('proxy', 'proxy', [CompletionResultType]::ParameterValue, 'Run the keyless proxy for every agent that has a proxy token (vault agent token)')
            [CompletionResult]::new('usage', 'usage', [CompletionResultType]::ParameterValue, 'Show keyless mode''s recorded usage: requests, tokens and estimated cost')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Show the audit log: runs and changes, with names, never values')
            [CompletionResult]::new('remote', 'remote', [CompletionResultType]::ParameterValue, 'Connect the vault to a team''s OpenBao or HashiCorp Vault server (KV version 2)')
            [CompletionResult]::new('pull', 'pull', [CompletionResultType]::ParameterValue, 'Bring every secret of a remote into the vault, in one change')
            [CompletionResult]::new('push', 'push', [CompletionResultType]::ParameterValue, 'Write entries to a remote, never over a teammate''s change (check-and-set)')
            [CompletionResult]::new('recipient', 'recipient', [CompletionResultType]::ParameterValue, 'Manage who can open the vault')
            [CompletionResult]::new('identity', 'identity', [CompletionResultType]::ParameterValue, 'Show or export the identity that opens the vault')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check what works on this machine: the identity and whether it opens the vault, the keyring, file modes, container engines, the sandbox, the proxy''s loopback (exit 1 when something fails); never prints a value')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vault;init' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--passphrase', '--passphrase', [CompletionResultType]::ParameterName, 'Protect the new identity file with a passphrase (age scrypt); asked on a terminal, else taken from VAULT_PASSPHRASE')
            [CompletionResult]::new('--no-keyring', '--no-keyring', [CompletionResultType]::ParameterName, 'Keep the new identity in a file in the config directory, not in the OS keyring')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;secret' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a new secret: hidden prompt, standard input, --from-file or --from-env; or, with --remote, a live reference fetched from the team''s server each time an agent starts')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Replace the value of an existing secret (same sources as add)')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a secret (asks on a terminal; pass --yes otherwise)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a secret (asks on a terminal; pass --yes otherwise)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vault;secret;add' {
            [CompletionResult]::new('--from-file', '--from-file', [CompletionResultType]::ParameterName, 'Read the value from this file (one trailing newline is dropped)')
            [CompletionResult]::new('--from-env', '--from-env', [CompletionResultType]::ParameterName, 'Read the value from this environment variable')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Fetch its value from this remote when an agent using it starts, and while a keyless proxy serves it (the value is kept here too, for when the server cannot be reached)')
            [CompletionResult]::new('--max-age', '--max-age', [CompletionResultType]::ParameterName, 'How old the value kept here may be when the server cannot be reached [default: 1h]; a running proxy fetches it again four times within it, at least every 5 min')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;secret;set' {
            [CompletionResult]::new('--from-file', '--from-file', [CompletionResultType]::ParameterName, 'Read the value from this file (one trailing newline is dropped)')
            [CompletionResult]::new('--from-env', '--from-env', [CompletionResultType]::ParameterName, 'Read the value from this environment variable')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;secret;rm' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Remove without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Remove without asking')
            [CompletionResult]::new('--detach', '--detach', [CompletionResultType]::ParameterName, 'Also detach it from the agents it is attached to (otherwise that is refused)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;secret;remove' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Remove without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Remove without asking')
            [CompletionResult]::new('--detach', '--detach', [CompletionResultType]::ParameterName, 'Also detach it from the agents it is attached to (otherwise that is refused)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;secret;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a new secret: hidden prompt, standard input, --from-file or --from-env; or, with --remote, a live reference fetched from the team''s server each time an agent starts')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Replace the value of an existing secret (same sources as add)')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a secret (asks on a terminal; pass --yes otherwise)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vault;secret;help;add' {
            break
        }
        'vault;secret;help;set' {
            break
        }
        'vault;secret;help;rm' {
            break
        }
        'vault;secret;help;help' {
            break
        }
        'vault;var' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set a plain variable, creating it if needed (not for secrets: see `vault secret add`)')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a plain variable')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a plain variable')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vault;var;set' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;var;rm' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--detach', '--detach', [CompletionResultType]::ParameterName, 'Also detach it from the agents it is attached to (otherwise that is refused)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;var;remove' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--detach', '--detach', [CompletionResultType]::ParameterName, 'Also detach it from the agents it is attached to (otherwise that is refused)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;var;help' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set a plain variable, creating it if needed (not for secrets: see `vault secret add`)')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a plain variable')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vault;var;help;set' {
            break
        }
        'vault;var;help;rm' {
            break
        }
        'vault;var;help;help' {
            break
        }
        'vault;get' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Do not print a newline after the value')
            [CompletionResult]::new('--no-newline', '--no-newline', [CompletionResultType]::ParameterName, 'Do not print a newline after the value')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;list' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;ls' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;provider' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a provider''s API key: hidden prompt, standard input, --from-file or --from-env')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Replace a provider key''s value (a rotated key): same sources and checks as add')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Check keys with their providers (a cheap authenticated request) and record the status')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the provider keys: provider, entry, key hint, endpoint, status, when checked')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List the provider keys: provider, entry, key hint, endpoint, status, when checked')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a provider key (asks on a terminal; pass --yes otherwise)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a provider key (asks on a terminal; pass --yes otherwise)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vault;provider;add' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'The entry''s name [default: the variable the provider''s SDKs read, e.g. OPENAI_API_KEY]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Another endpoint for this key (a proxy, a gateway, a local server); required for custom')
            [CompletionResult]::new('--from-file', '--from-file', [CompletionResultType]::ParameterName, 'Read the value from this file (one trailing newline is dropped)')
            [CompletionResult]::new('--from-env', '--from-env', [CompletionResultType]::ParameterName, 'Read the value from this environment variable')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Store the key even when it does not look like the provider''s keys')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'Check the key with the provider first (as `vault provider test`); an invalid key is then not stored')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;provider;set' {
            [CompletionResult]::new('--from-file', '--from-file', [CompletionResultType]::ParameterName, 'Read the value from this file (one trailing newline is dropped)')
            [CompletionResult]::new('--from-env', '--from-env', [CompletionResultType]::ParameterName, 'Read the value from this environment variable')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Store the key even when it does not look like the provider''s keys')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'Check the key with the provider first (as `vault provider test`); an invalid key is then not stored')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;provider;test' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on a provider after this many seconds')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Check every provider key in the vault')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;provider;list' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;provider;ls' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;provider;rm' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Remove without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Remove without asking')
            [CompletionResult]::new('--detach', '--detach', [CompletionResultType]::ParameterName, 'Also detach it from the agents it is attached to (otherwise that is refused)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;provider;remove' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Remove without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Remove without asking')
            [CompletionResult]::new('--detach', '--detach', [CompletionResultType]::ParameterName, 'Also detach it from the agents it is attached to (otherwise that is refused)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;provider;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a provider''s API key: hidden prompt, standard input, --from-file or --from-env')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Replace a provider key''s value (a rotated key): same sources and checks as add')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Check keys with their providers (a cheap authenticated request) and record the status')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the provider keys: provider, entry, key hint, endpoint, status, when checked')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a provider key (asks on a terminal; pass --yes otherwise)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vault;provider;help;add' {
            break
        }
        'vault;provider;help;set' {
            break
        }
        'vault;provider;help;test' {
            break
        }
        'vault;provider;help;list' {
            break
        }
        'vault;provider;help;rm' {
            break
        }
        'vault;provider;help;help' {
            break
        }
        'vault;agent' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create an agent; with no name on a terminal, a short wizard asks for everything')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change an agent''s stored image, command, keyless default, rate limits or budget')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Create the agent''s proxy token for `vault proxy` and show it, once (only its hash is kept)')
            [CompletionResult]::new('rotate-token', 'rotate-token', [CompletionResultType]::ParameterValue, 'Replace the agent''s proxy token with a new one and show it, once; the old one stops working when `vault proxy` next starts')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the agents')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List the agents')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show an agent''s attachments, and which changed since it was last started here')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove an agent (the entries it used stay in the vault)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove an agent (the entries it used stay in the vault)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vault;agent;create' {
            [CompletionResult]::new('--attach', '--attach', [CompletionResultType]::ParameterName, 'Entries to attach right away (as with `vault attach`)')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'A default container image for `vault run`')
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'The network in the sandbox and in containers: host, proxy (only the vault proxy) or none')
            [CompletionResult]::new('--allow-write', '--allow-write', [CompletionResultType]::ParameterName, 'A path the sandboxed agent may write besides its working directory; repeat it')
            [CompletionResult]::new('--command', '--command', [CompletionResultType]::ParameterName, 'A default command for `vault run` (put it last: everything after it is the command)')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--keyless', '--keyless', [CompletionResultType]::ParameterName, 'Start it keyless by default: `vault run` gives it a proxy and a token instead of its provider keys (and a sandbox)')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Start it in a sandbox by default, keyless or not')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;agent;set' {
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'A default container image for `vault run`')
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'The network in the sandbox and in containers: host, proxy (only the vault proxy) or none')
            [CompletionResult]::new('--allow-write', '--allow-write', [CompletionResultType]::ParameterName, 'The paths the sandboxed agent may write besides its working directory (replaces the stored ones); repeat it for each')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Keyless mode''s request limit for one provider, such as openai=100/60s, or PROVIDER=off for none; repeat it for each provider [default: openai 100/60s, anthropic 50/60s, others 100/60s]')
            [CompletionResult]::new('--budget', '--budget', [CompletionResultType]::ParameterName, 'Keyless mode''s spending limit in estimated US dollars per UTC day, calendar month or in total, such as 5usd/day, 50usd/month or 20usd/total')
            [CompletionResult]::new('--requests', '--requests', [CompletionResultType]::ParameterName, 'Keyless limits on the agent''s requests to every provider, per window of the clock, shared by every proxy serving it, such as 100/1m,5000/1d (replaces the stored ones; off for none)')
            [CompletionResult]::new('--tokens', '--tokens', [CompletionResultType]::ParameterName, 'Keyless limits on the tokens (input + output) the agent uses, per window of the clock, such as 200000/1m,2000000/1d (off for none)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Keyless cap on the agent''s requests under way at once, through every proxy serving it (off for none)')
            [CompletionResult]::new('--models', '--models', [CompletionResultType]::ParameterName, 'Keyless scope: the models the agent may use at one provider, exact names or prefixes ending in *, such as openai=gpt-4o-mini,gpt-4.1* (PROVIDER= allows every model again); repeat it for each provider')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Keyless scope: the endpoint classes the agent may use, such as chat,embeddings; every other class is refused')
            [CompletionResult]::new('--openai-organization', '--openai-organization', [CompletionResultType]::ParameterName, 'The OpenAI-Organization header the proxy sends for the agent (an agent''s own is never passed on); empty for none')
            [CompletionResult]::new('--openai-project', '--openai-project', [CompletionResultType]::ParameterName, 'The OpenAI-Project header the proxy sends for the agent; empty for none')
            [CompletionResult]::new('--command', '--command', [CompletionResultType]::ParameterName, 'A default command for `vault run` (put it last: everything after it is the command)')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--no-image', '--no-image', [CompletionResultType]::ParameterName, 'Forget the stored image')
            [CompletionResult]::new('--keyless', '--keyless', [CompletionResultType]::ParameterName, 'Start it keyless by default (vault run --keyless)')
            [CompletionResult]::new('--no-keyless', '--no-keyless', [CompletionResultType]::ParameterName, 'Start it with its keys by default again')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Start it in a sandbox by default (keyless runs are sandboxed unless this is turned off)')
            [CompletionResult]::new('--no-sandbox', '--no-sandbox', [CompletionResultType]::ParameterName, 'Start it without a sandbox by default, even keyless')
            [CompletionResult]::new('--no-allow-write', '--no-allow-write', [CompletionResultType]::ParameterName, 'Forget the stored --allow-write paths')
            [CompletionResult]::new('--no-budget', '--no-budget', [CompletionResultType]::ParameterName, 'Remove the budget')
            [CompletionResult]::new('--all-endpoints', '--all-endpoints', [CompletionResultType]::ParameterName, 'Allow every endpoint class again')
            [CompletionResult]::new('--no-command', '--no-command', [CompletionResultType]::ParameterName, 'Forget the stored command')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;agent;token' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;agent;rotate-token' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;agent;list' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;agent;ls' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;agent;show' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;agent;rm' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;agent;remove' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;agent;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create an agent; with no name on a terminal, a short wizard asks for everything')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change an agent''s stored image, command, keyless default, rate limits or budget')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Create the agent''s proxy token for `vault proxy` and show it, once (only its hash is kept)')
            [CompletionResult]::new('rotate-token', 'rotate-token', [CompletionResultType]::ParameterValue, 'Replace the agent''s proxy token with a new one and show it, once; the old one stops working when `vault proxy` next starts')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the agents')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show an agent''s attachments, and which changed since it was last started here')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove an agent (the entries it used stay in the vault)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vault;agent;help;create' {
            break
        }
        'vault;agent;help;set' {
            break
        }
        'vault;agent;help;token' {
            break
        }
        'vault;agent;help;rotate-token' {
            break
        }
        'vault;agent;help;list' {
            break
        }
        'vault;agent;help;show' {
            break
        }
        'vault;agent;help;rm' {
            break
        }
        'vault;agent;help;help' {
            break
        }
        'vault;attach' {
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'The environment variable the agent gets the entry as (one entry only)')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;detach' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;import' {
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'What the entries become')
            [CompletionResult]::new('--attach', '--attach', [CompletionResultType]::ParameterName, 'Also attach every imported entry to this agent (created when it does not exist)')
            [CompletionResult]::new('--on-conflict', '--on-conflict', [CompletionResultType]::ParameterName, 'What to do when the vault already holds a name with another value')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would happen (secret values hidden) and change nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;export' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'The output format [default: dotenv] (--json is short for --format json)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write to this file (mode 0600, replaced atomically) instead of standard output')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write to this file (mode 0600, replaced atomically) instead of standard output')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Export every entry in the vault, under its own name')
            [CompletionResult]::new('--reveal', '--reveal', [CompletionResultType]::ParameterName, 'Print secret values even when standard output is a terminal')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;run' {
            [CompletionResult]::new('--mask', '--mask', [CompletionResultType]::ParameterName, 'Replace attached secret values in the command''s output with ***')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'Run the command in a container of this image (default: the agent''s stored image)')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'The container engine: docker, podman or a path [default: VAULT_CONTAINER_ENGINE, else docker, else podman]')
            [CompletionResult]::new('--engine-arg', '--engine-arg', [CompletionResultType]::ParameterName, 'An extra argument for the engine''s `run`, before the image (volumes, network, user); repeat it for each: --engine-arg=-v --engine-arg=/data:/data')
            [CompletionResult]::new('--budget', '--budget', [CompletionResultType]::ParameterName, 'A spending limit for this run alone, in estimated US dollars, such as 2usd (keyless: the run''s proxy refuses, with 402, a request that could take it past; the agent''s own --budget holds too)')
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'The network: host (the machine''s), proxy (only the vault proxy) or none; for the sandbox and for containers alike [default: the agent''s, else host for the sandbox and the engine''s own for a container]')
            [CompletionResult]::new('--allow-write', '--allow-write', [CompletionResultType]::ParameterName, 'A path the sandboxed command may write besides its working directory and /tmp; repeat it for each (added to the agent''s own)')
            [CompletionResult]::new('--hide', '--hide', [CompletionResultType]::ParameterName, 'A path the sandbox hides too; repeat it for each')
            [CompletionResult]::new('--show', '--show', [CompletionResultType]::ParameterName, 'A credential store the sandbox hides by default that this command may read (such as ~/.kube); repeat it for each')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--keep-env', '--keep-env', [CompletionResultType]::ParameterName, 'Let inherited environment variables win over attached values of the same name')
            [CompletionResult]::new('--isolate', '--isolate', [CompletionResultType]::ParameterName, 'Start from a minimal environment (PATH, HOME, USER, LANG, LC_*, TERM, TZ, TMPDIR) plus the attached values, so the command inherits no other credentials')
            [CompletionResult]::new('--no-container', '--no-container', [CompletionResultType]::ParameterName, 'Run on this machine even when the agent has an image')
            [CompletionResult]::new('--keyless', '--keyless', [CompletionResultType]::ParameterName, 'Give the command a proxy on 127.0.0.1 and a token in place of each attached provider key: the key itself never reaches it (default: the agent''s own setting)')
            [CompletionResult]::new('--no-keyless', '--no-keyless', [CompletionResultType]::ParameterName, 'Give the command its provider keys even when the agent is keyless by default')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Start the command in a sandbox, which hides vault''s files, identities and other tools'' credentials and lets it write only its working directory, /tmp and --allow-write paths (default: for keyless runs, and the agent''s own setting)')
            [CompletionResult]::new('--no-sandbox', '--no-sandbox', [CompletionResultType]::ParameterName, 'Run without the sandbox, even keyless (stderr says what that leaves open)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;proxy' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Where to listen: a loopback address and port (127.0.0.1:PORT, [::1]:PORT or localhost:PORT), or a container bridge''s, by name or address (docker0:PORT, 172.17.0.1:PORT) for containers; port 0 picks a free one')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;usage' {
            [CompletionResult]::new('--agent', '--agent', [CompletionResultType]::ParameterName, 'Only this agent''s requests')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only requests within this long ago, such as 30m, 24h or 7d')
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'Group by these columns, such as agent,day [default: agent,provider,model]')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--csv', '--csv', [CompletionResultType]::ParameterName, 'Print CSV (a header line, then one line per group); not with --json')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;audit' {
            [CompletionResult]::new('--agent', '--agent', [CompletionResultType]::ParameterName, 'Only this agent''s runs and the changes to it')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only what happened within this long ago, such as 30m, 2h, 7d')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;remote' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a remote (the mount is checked: it must be KV version 2)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the remotes')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a remote from this vault (nothing on the server changes)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'What differs between the vault and the server: names and versions, never values')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vault;remote;add' {
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'The server [default: BAO_ADDR, else VAULT_ADDR]')
            [CompletionResult]::new('--mount', '--mount', [CompletionResultType]::ParameterName, 'The KV version 2 mount, such as secret')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Where under the mount this vault''s entries go, the same for every teammate [default: the mount''s top]')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'A file holding the token (it wins over BAO_TOKEN, VAULT_TOKEN and ~/.vault-token)')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--allow-http', '--allow-http', [CompletionResultType]::ParameterName, 'Allow an http:// address off this machine: the token then crosses the network unencrypted, so only where that network is yours alone')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;remote;list' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;remote;rm' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;remote;status' {
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'A file holding the token (it wins over BAO_TOKEN, VAULT_TOKEN and ~/.vault-token)')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;remote;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a remote (the mount is checked: it must be KV version 2)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the remotes')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a remote from this vault (nothing on the server changes)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'What differs between the vault and the server: names and versions, never values')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vault;remote;help;add' {
            break
        }
        'vault;remote;help;list' {
            break
        }
        'vault;remote;help;rm' {
            break
        }
        'vault;remote;help;status' {
            break
        }
        'vault;remote;help;help' {
            break
        }
        'vault;pull' {
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'A file holding the token (it wins over BAO_TOKEN, VAULT_TOKEN and ~/.vault-token)')
            [CompletionResult]::new('--max-age', '--max-age', [CompletionResultType]::ParameterName, 'With --live: how old a kept value may be when the server cannot be reached [default: 1h]')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would change, by name, and change nothing')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Take the server''s version also of what changed both here and there')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Make every pulled entry a live reference: fetched again each time an agent using it starts')
            [CompletionResult]::new('--prune', '--prune', [CompletionResultType]::ParameterName, 'Also remove here (detaching them) the entries deleted on the server since they were last synced, when unchanged here: how a revoked secret leaves teammates'' vaults')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;push' {
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'A file holding the token (it wins over BAO_TOKEN, VAULT_TOKEN and ~/.vault-token)')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Write over what changed on the server since the last pull')
            [CompletionResult]::new('--prune', '--prune', [CompletionResultType]::ParameterName, 'Also delete from the server the entries (and, pushing everything, the agents) removed here since they were last synced')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;recipient' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Let another key open the vault: age1…, "ssh-ed25519 AAAA…" or "ssh-rsa AAAA…", or a file that holds one (a .pub file, or what vault identity new --output wrote)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the recipients; yours is marked')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List the recipients; yours is marked')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Stop encrypting to a recipient (by key, label or unique key prefix)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Stop encrypting to a recipient (by key, label or unique key prefix)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vault;recipient;add' {
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'A name to recognise it by, such as "ci" or "alice" (default: the SSH comment)')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;recipient;list' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;recipient;ls' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;recipient;rm' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Remove it even when it is the last recipient you hold an identity for (you could no longer open the vault)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;recipient;remove' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Remove it even when it is the last recipient you hold an identity for (you could no longer open the vault)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;recipient;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Let another key open the vault: age1…, "ssh-ed25519 AAAA…" or "ssh-rsa AAAA…", or a file that holds one (a .pub file, or what vault identity new --output wrote)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the recipients; yours is marked')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Stop encrypting to a recipient (by key, label or unique key prefix)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vault;recipient;help;add' {
            break
        }
        'vault;recipient;help;list' {
            break
        }
        'vault;recipient;help;rm' {
            break
        }
        'vault;recipient;help;help' {
            break
        }
        'vault;identity' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('new', 'new', [CompletionResultType]::ParameterValue, 'Make a new age identity (for a CI runner, a teammate''s machine): written to --output with mode 0600, or printed once to a non-terminal standard output; its recipient (age1…) goes to standard error. Needs no vault')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print your public recipient (age1…) and where the identity is kept')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print the secret key (AGE-SECRET-KEY-1…) to move it to CI as VAULT_IDENTITY')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vault;identity;new' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write it to this file (mode 0600; an existing file is never overwritten)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write it to this file (mode 0600; an existing file is never overwritten)')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;identity;show' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;identity;export' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;identity;help' {
            [CompletionResult]::new('new', 'new', [CompletionResultType]::ParameterValue, 'Make a new age identity (for a CI runner, a teammate''s machine): written to --output with mode 0600, or printed once to a non-terminal standard output; its recipient (age1…) goes to standard error. Needs no vault')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print your public recipient (age1…) and where the identity is kept')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print the secret key (AGE-SECRET-KEY-1…) to move it to CI as VAULT_IDENTITY')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vault;identity;help;new' {
            break
        }
        'vault;identity;help;show' {
            break
        }
        'vault;identity;help;export' {
            break
        }
        'vault;identity;help;help' {
            break
        }
        'vault;doctor' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;completions' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'The vault file [default: ~/.local/share/vault/vault.age]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity file that opens the vault (age keys, an SSH key, or a passphrase-protected age file); when given, it is the only identity tried')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print listings as JSON (list, agent list/show/token, audit, recipient list, identity show, provider list/test, import, export, proxy, usage, remote list/status)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what happens (repeat for more); never prints values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'vault;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create a new vault and, unless you have one, an identity to open it')
            [CompletionResult]::new('secret', 'secret', [CompletionResultType]::ParameterValue, 'Add, replace or remove secrets (values never shown in listings)')
            [CompletionResult]::new('var', 'var', [CompletionResultType]::ParameterValue, 'Set or remove plain variables (values shown in listings)')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print one entry''s value, for `$(vault get NAME)` in scripts')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the entries: name, kind, value (variables only), last update')
            [CompletionResult]::new('provider', 'provider', [CompletionResultType]::ParameterValue, 'Add, check, list or remove AI-provider keys (OpenAI, Anthropic, OpenRouter, …)')
            [CompletionResult]::new('agent', 'agent', [CompletionResultType]::ParameterValue, 'Create, list, show or remove agents')
            [CompletionResult]::new('attach', 'attach', [CompletionResultType]::ParameterValue, 'Attach entries to an agent (the agent is created when it does not exist)')
            [CompletionResult]::new('detach', 'detach', [CompletionResultType]::ParameterValue, 'Detach entries from an agent')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Add every entry of a .env file in one change (FILE, or - for standard input)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print an agent''s values, or every entry, as dotenv, JSON, shell or GitHub Actions input')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run a command with an agent''s attached values added to its environment')
            [CompletionResult]::new('proxy', 'proxy', [CompletionResultType]::ParameterValue, 'Run the keyless proxy for every agent that has a proxy token (vault agent token)')
            [CompletionResult]::new('usage', 'usage', [CompletionResultType]::ParameterValue, 'Show keyless mode''s recorded usage: requests, tokens and estimated cost')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Show the audit log: runs and changes, with names, never values')
            [CompletionResult]::new('remote', 'remote', [CompletionResultType]::ParameterValue, 'Connect the vault to a team''s OpenBao or HashiCorp Vault server (KV version 2)')
            [CompletionResult]::new('pull', 'pull', [CompletionResultType]::ParameterValue, 'Bring every secret of a remote into the vault, in one change')
            [CompletionResult]::new('push', 'push', [CompletionResultType]::ParameterValue, 'Write entries to a remote, never over a teammate''s change (check-and-set)')
            [CompletionResult]::new('recipient', 'recipient', [CompletionResultType]::ParameterValue, 'Manage who can open the vault')
            [CompletionResult]::new('identity', 'identity', [CompletionResultType]::ParameterValue, 'Show or export the identity that opens the vault')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check what works on this machine: the identity and whether it opens the vault, the keyring, file modes, container engines, the sandbox, the proxy''s loopback (exit 1 when something fails); never prints a value')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vault;help;init' {
            break
        }
        'vault;help;secret' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a new secret: hidden prompt, standard input, --from-file or --from-env; or, with --remote, a live reference fetched from the team''s server each time an agent starts')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Replace the value of an existing secret (same sources as add)')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a secret (asks on a terminal; pass --yes otherwise)')
            break
        }
        'vault;help;secret;add' {
            break
        }
        'vault;help;secret;set' {
            break
        }
        'vault;help;secret;rm' {
            break
        }
        'vault;help;var' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set a plain variable, creating it if needed (not for secrets: see `vault secret add`)')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a plain variable')
            break
        }
        'vault;help;var;set' {
            break
        }
        'vault;help;var;rm' {
            break
        }
        'vault;help;get' {
            break
        }
        'vault;help;list' {
            break
        }
        'vault;help;provider' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a provider''s API key: hidden prompt, standard input, --from-file or --from-env')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Replace a provider key''s value (a rotated key): same sources and checks as add')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Check keys with their providers (a cheap authenticated request) and record the status')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the provider keys: provider, entry, key hint, endpoint, status, when checked')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a provider key (asks on a terminal; pass --yes otherwise)')
            break
        }
        'vault;help;provider;add' {
            break
        }
        'vault;help;provider;set' {
            break
        }
        'vault;help;provider;test' {
            break
        }
        'vault;help;provider;list' {
            break
        }
        'vault;help;provider;rm' {
            break
        }
        'vault;help;agent' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create an agent; with no name on a terminal, a short wizard asks for everything')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change an agent''s stored image, command, keyless default, rate limits or budget')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Create the agent''s proxy token for `vault proxy` and show it, once (only its hash is kept)')
            [CompletionResult]::new('rotate-token', 'rotate-token', [CompletionResultType]::ParameterValue, 'Replace the agent''s proxy token with a new one and show it, once; the old one stops working when `vault proxy` next starts')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the agents')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show an agent''s attachments, and which changed since it was last started here')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove an agent (the entries it used stay in the vault)')
            break
        }
        'vault;help;agent;create' {
            break
        }
        'vault;help;agent;set' {
            break
        }
        'vault;help;agent;token' {
            break
        }
        'vault;help;agent;rotate-token' {
            break
        }
        'vault;help;agent;list' {
            break
        }
        'vault;help;agent;show' {
            break
        }
        'vault;help;agent;rm' {
            break
        }
        'vault;help;attach' {
            break
        }
        'vault;help;detach' {
            break
        }
        'vault;help;import' {
            break
        }
        'vault;help;export' {
            break
        }
        'vault;help;run' {
            break
        }
        'vault;help;proxy' {
            break
        }
        'vault;help;usage' {
            break
        }
        'vault;help;audit' {
            break
        }
        'vault;help;remote' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a remote (the mount is checked: it must be KV version 2)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the remotes')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a remote from this vault (nothing on the server changes)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'What differs between the vault and the server: names and versions, never values')
            break
        }
        'vault;help;remote;add' {
            break
        }
        'vault;help;remote;list' {
            break
        }
        'vault;help;remote;rm' {
            break
        }
        'vault;help;remote;status' {
            break
        }
        'vault;help;pull' {
            break
        }
        'vault;help;push' {
            break
        }
        'vault;help;recipient' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Let another key open the vault: age1…, "ssh-ed25519 AAAA…" or "ssh-rsa AAAA…", or a file that holds one (a .pub file, or what vault identity new --output wrote)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the recipients; yours is marked')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Stop encrypting to a recipient (by key, label or unique key prefix)')
            break
        }
        'vault;help;recipient;add' {
            break
        }
        'vault;help;recipient;list' {
            break
        }
        'vault;help;recipient;rm' {
            break
        }
        'vault;help;identity' {
            [CompletionResult]::new('new', 'new', [CompletionResultType]::ParameterValue, 'Make a new age identity (for a CI runner, a teammate''s machine): written to --output with mode 0600, or printed once to a non-terminal standard output; its recipient (age1…) goes to standard error. Needs no vault')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print your public recipient (age1…) and where the identity is kept')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print the secret key (AGE-SECRET-KEY-1…) to move it to CI as VAULT_IDENTITY')
            break
        }
        'vault;help;identity;new' {
            break
        }
        'vault;help;identity;show' {
            break
        }
        'vault;help;identity;export' {
            break
        }
        'vault;help;doctor' {
            break
        }
        'vault;help;completions' {
            break
        }
        'vault;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
