# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_pinctl_global_optspecs
    string join \n q/quiet v/verbose color= directory= no-progress h/help V/version
end

function __fish_pinctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_pinctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_pinctl_using_subcommand
    set -l cmd (__fish_pinctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c pinctl -n "__fish_pinctl_needs_command" -l color -d 'When to colour output (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pinctl -n "__fish_pinctl_needs_command" -l directory -d 'The project to act on (the directory holding pyproject.toml)' -r -F
complete -c pinctl -n "__fish_pinctl_needs_command" -s q -l quiet -d 'Print only errors (and the data a command writes to stdout)'
complete -c pinctl -n "__fish_pinctl_needs_command" -s v -l verbose -d 'More detail on stderr; repeat for debug logs (-vv)'
complete -c pinctl -n "__fish_pinctl_needs_command" -l no-progress -d 'Never show progress bars'
complete -c pinctl -n "__fish_pinctl_needs_command" -s h -l help -d 'Print help'
complete -c pinctl -n "__fish_pinctl_needs_command" -s V -l version -d 'Print version'
complete -c pinctl -n "__fish_pinctl_needs_command" -f -a "lock" -d 'Resolve pyproject.toml against the index and write a hashed pylock.toml'
complete -c pinctl -n "__fish_pinctl_needs_command" -f -a "export" -d 'Write requirements.txt (or a single-use pylock.toml) from pylock.toml'
complete -c pinctl -n "__fish_pinctl_needs_command" -f -a "check" -d 'Lint version specifiers: unpinned, unbounded, loose, wildcard'
complete -c pinctl -n "__fish_pinctl_needs_command" -f -a "outdated" -d 'Compare locked versions with what the index offers now'
complete -c pinctl -n "__fish_pinctl_needs_command" -f -a "cache" -d 'Show or clear the cache of index pages and package metadata'
complete -c pinctl -n "__fish_pinctl_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c pinctl -n "__fish_pinctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pinctl -n "__fish_pinctl_using_subcommand lock" -s P -l upgrade-package -d 'Let package P move to its newest allowed version; others keep their pins (repeatable)' -r
complete -c pinctl -n "__fish_pinctl_using_subcommand lock" -l index-url -d 'The package index: a PEP 503/691 simple API base URL [default: https://pypi.org/simple]' -r
complete -c pinctl -n "__fish_pinctl_using_subcommand lock" -l allow-insecure-host -d 'Allow plain-http access to HOST (repeatable; loopback addresses are always allowed)' -r
complete -c pinctl -n "__fish_pinctl_using_subcommand lock" -l concurrency -d 'HTTP requests in flight at once [default: 50]' -r
complete -c pinctl -n "__fish_pinctl_using_subcommand lock" -l timeout -d 'Seconds to wait for a connection, and between bytes of an answer, before the request is retried [default: 30]' -r
complete -c pinctl -n "__fish_pinctl_using_subcommand lock" -l cache-dir -d 'The cache directory (default: the platform\'s user cache dir + `pinctl`)' -r -F
complete -c pinctl -n "__fish_pinctl_using_subcommand lock" -l color -d 'When to colour output (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pinctl -n "__fish_pinctl_using_subcommand lock" -l directory -d 'The project to act on (the directory holding pyproject.toml)' -r -F
complete -c pinctl -n "__fish_pinctl_using_subcommand lock" -s U -l upgrade -d 'Let every package move to its newest allowed version (ignore pylock.toml\'s pins)'
complete -c pinctl -n "__fish_pinctl_using_subcommand lock" -l check -d 'Check that pylock.toml matches pyproject.toml, without the network: exit 1 when stale'
complete -c pinctl -n "__fish_pinctl_using_subcommand lock" -l locked -d 'Fail (exit 1) instead of writing when the lock would change'
complete -c pinctl -n "__fish_pinctl_using_subcommand lock" -l dry-run -d 'Resolve and print what would change (`Add`, `Update`, `Remove`), writing nothing'
complete -c pinctl -n "__fish_pinctl_using_subcommand lock" -l offline -d 'Use only the cache; fail naming what is missing'
complete -c pinctl -n "__fish_pinctl_using_subcommand lock" -l refresh -d 'Fetch index pages again instead of using cached ones (metadata stays cached)'
complete -c pinctl -n "__fish_pinctl_using_subcommand lock" -s q -l quiet -d 'Print only errors (and the data a command writes to stdout)'
complete -c pinctl -n "__fish_pinctl_using_subcommand lock" -s v -l verbose -d 'More detail on stderr; repeat for debug logs (-vv)'
complete -c pinctl -n "__fish_pinctl_using_subcommand lock" -l no-progress -d 'Never show progress bars'
complete -c pinctl -n "__fish_pinctl_using_subcommand lock" -s h -l help -d 'Print help'
complete -c pinctl -n "__fish_pinctl_using_subcommand lock" -s V -l version -d 'Print version'
complete -c pinctl -n "__fish_pinctl_using_subcommand export" -l group -d 'Add dependency group G to the production set (repeatable)' -r
complete -c pinctl -n "__fish_pinctl_using_subcommand export" -l extra -d 'Add extra E to the production set (repeatable)' -r
complete -c pinctl -n "__fish_pinctl_using_subcommand export" -l only-group -d 'Export only dependency group G, without the production set (repeatable)' -r
complete -c pinctl -n "__fish_pinctl_using_subcommand export" -l format -d 'Output format' -r -f -a "requirements-txt\t'A pip requirements file with `--hash` lines (`pip install --require-hashes -r`)'
pylock\t'A single-use PEP 751 pylock.toml of the selection'"
complete -c pinctl -n "__fish_pinctl_using_subcommand export" -s o -l output -d 'Write to FILE (atomically) instead of stdout' -r -F
complete -c pinctl -n "__fish_pinctl_using_subcommand export" -l color -d 'When to colour output (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pinctl -n "__fish_pinctl_using_subcommand export" -l directory -d 'The project to act on (the directory holding pyproject.toml)' -r -F
complete -c pinctl -n "__fish_pinctl_using_subcommand export" -l prod -d 'Export the production dependencies only (the default without a selection flag)'
complete -c pinctl -n "__fish_pinctl_using_subcommand export" -l all-groups -d 'Add every dependency group to the production set'
complete -c pinctl -n "__fish_pinctl_using_subcommand export" -l all-extras -d 'Add every extra to the production set'
complete -c pinctl -n "__fish_pinctl_using_subcommand export" -l no-hashes -d 'Leave out the `--hash` lines (requirements-txt only)'
complete -c pinctl -n "__fish_pinctl_using_subcommand export" -l no-header -d 'Leave out the header comment naming the command that regenerates the file'
complete -c pinctl -n "__fish_pinctl_using_subcommand export" -l annotate -d 'Add `# via` lines saying which package or project file needs each package (requirements-txt only)'
complete -c pinctl -n "__fish_pinctl_using_subcommand export" -l frozen -d 'Export the lock as it is, without checking that it matches pyproject.toml'
complete -c pinctl -n "__fish_pinctl_using_subcommand export" -s q -l quiet -d 'Print only errors (and the data a command writes to stdout)'
complete -c pinctl -n "__fish_pinctl_using_subcommand export" -s v -l verbose -d 'More detail on stderr; repeat for debug logs (-vv)'
complete -c pinctl -n "__fish_pinctl_using_subcommand export" -l no-progress -d 'Never show progress bars'
complete -c pinctl -n "__fish_pinctl_using_subcommand export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinctl -n "__fish_pinctl_using_subcommand export" -s V -l version -d 'Print version'
complete -c pinctl -n "__fish_pinctl_using_subcommand check" -l format -d 'Output format' -r -f -a "human\t'file:line:col, the source line and a caret'
json\t'One JSON document on stdout (schema: docs/check-json.md)'
github\t'GitHub Actions workflow annotations on stdout'"
complete -c pinctl -n "__fish_pinctl_using_subcommand check" -l deny -d 'Report RULE as an error (repeatable)' -r -f -a "unpinned\t''
no-upper-bound\t''
wildcard\t''
zero-ver-range\t''
not-equal-only\t''
arbitrary-equality\t''
url-without-hash\t''
stale-lock\t''"
complete -c pinctl -n "__fish_pinctl_using_subcommand check" -l warn -d 'Report RULE as a warning (repeatable)' -r -f -a "unpinned\t''
no-upper-bound\t''
wildcard\t''
zero-ver-range\t''
not-equal-only\t''
arbitrary-equality\t''
url-without-hash\t''
stale-lock\t''"
complete -c pinctl -n "__fish_pinctl_using_subcommand check" -l allow -d 'Do not report RULE (repeatable)' -r -f -a "unpinned\t''
no-upper-bound\t''
wildcard\t''
zero-ver-range\t''
not-equal-only\t''
arbitrary-equality\t''
url-without-hash\t''
stale-lock\t''"
complete -c pinctl -n "__fish_pinctl_using_subcommand check" -l color -d 'When to colour output (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pinctl -n "__fish_pinctl_using_subcommand check" -l directory -d 'The project to act on (the directory holding pyproject.toml)' -r -F
complete -c pinctl -n "__fish_pinctl_using_subcommand check" -s q -l quiet -d 'Print only errors (and the data a command writes to stdout)'
complete -c pinctl -n "__fish_pinctl_using_subcommand check" -s v -l verbose -d 'More detail on stderr; repeat for debug logs (-vv)'
complete -c pinctl -n "__fish_pinctl_using_subcommand check" -l no-progress -d 'Never show progress bars'
complete -c pinctl -n "__fish_pinctl_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinctl -n "__fish_pinctl_using_subcommand check" -s V -l version -d 'Print version'
complete -c pinctl -n "__fish_pinctl_using_subcommand outdated" -l format -d 'Output format' -r -f -a "table\t'An aligned table'
json\t'One JSON document (schema_version 1, see docs/outdated.md)'
markdown\t'A Markdown table, for a pull-request or issue body'
github\t'GitHub Actions workflow annotations'"
complete -c pinctl -n "__fish_pinctl_using_subcommand outdated" -l group -d 'Only packages dependency group G installs (repeatable; with --prod: either)' -r
complete -c pinctl -n "__fish_pinctl_using_subcommand outdated" -l package -d 'Only package P (repeatable)' -r
complete -c pinctl -n "__fish_pinctl_using_subcommand outdated" -l fail-on -d 'Exit with 1 only for findings at LEVEL or above (implies --exit-code)' -r -f -a "yanked\t'Only yanked locked versions'
major\t'Major updates (0.x: minor) and yanked versions'
minor\t'Minor or major updates and yanked versions'
patch\t'Any update and yanked versions'"
complete -c pinctl -n "__fish_pinctl_using_subcommand outdated" -l index-url -d 'The package index: a PEP 503/691 simple API base URL [default: https://pypi.org/simple]' -r
complete -c pinctl -n "__fish_pinctl_using_subcommand outdated" -l allow-insecure-host -d 'Allow plain-http access to HOST (repeatable; loopback addresses are always allowed)' -r
complete -c pinctl -n "__fish_pinctl_using_subcommand outdated" -l concurrency -d 'HTTP requests in flight at once [default: 50]' -r
complete -c pinctl -n "__fish_pinctl_using_subcommand outdated" -l timeout -d 'Seconds to wait for a connection, and between bytes of an answer, before the request is retried [default: 30]' -r
complete -c pinctl -n "__fish_pinctl_using_subcommand outdated" -l cache-dir -d 'The cache directory (default: the platform\'s user cache dir + `pinctl`)' -r -F
complete -c pinctl -n "__fish_pinctl_using_subcommand outdated" -l color -d 'When to colour output (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pinctl -n "__fish_pinctl_using_subcommand outdated" -l directory -d 'The project to act on (the directory holding pyproject.toml)' -r -F
complete -c pinctl -n "__fish_pinctl_using_subcommand outdated" -l prod -d 'Only packages the production set installs'
complete -c pinctl -n "__fish_pinctl_using_subcommand outdated" -l direct -d 'Only packages the project names itself'
complete -c pinctl -n "__fish_pinctl_using_subcommand outdated" -l all -d 'Also list packages that are up to date'
complete -c pinctl -n "__fish_pinctl_using_subcommand outdated" -l exit-code -d 'Exit with 1 when any package is outdated or its locked version was yanked'
complete -c pinctl -n "__fish_pinctl_using_subcommand outdated" -l offline -d 'Use only the cache; fail naming what is missing'
complete -c pinctl -n "__fish_pinctl_using_subcommand outdated" -l refresh -d 'Fetch index pages again instead of using cached ones (metadata stays cached)'
complete -c pinctl -n "__fish_pinctl_using_subcommand outdated" -s q -l quiet -d 'Print only errors (and the data a command writes to stdout)'
complete -c pinctl -n "__fish_pinctl_using_subcommand outdated" -s v -l verbose -d 'More detail on stderr; repeat for debug logs (-vv)'
complete -c pinctl -n "__fish_pinctl_using_subcommand outdated" -l no-progress -d 'Never show progress bars'
complete -c pinctl -n "__fish_pinctl_using_subcommand outdated" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinctl -n "__fish_pinctl_using_subcommand outdated" -s V -l version -d 'Print version'
complete -c pinctl -n "__fish_pinctl_using_subcommand cache; and not __fish_seen_subcommand_from dir clean help" -l color -d 'When to colour output (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pinctl -n "__fish_pinctl_using_subcommand cache; and not __fish_seen_subcommand_from dir clean help" -l directory -d 'The project to act on (the directory holding pyproject.toml)' -r -F
complete -c pinctl -n "__fish_pinctl_using_subcommand cache; and not __fish_seen_subcommand_from dir clean help" -s q -l quiet -d 'Print only errors (and the data a command writes to stdout)'
complete -c pinctl -n "__fish_pinctl_using_subcommand cache; and not __fish_seen_subcommand_from dir clean help" -s v -l verbose -d 'More detail on stderr; repeat for debug logs (-vv)'
complete -c pinctl -n "__fish_pinctl_using_subcommand cache; and not __fish_seen_subcommand_from dir clean help" -l no-progress -d 'Never show progress bars'
complete -c pinctl -n "__fish_pinctl_using_subcommand cache; and not __fish_seen_subcommand_from dir clean help" -s h -l help -d 'Print help'
complete -c pinctl -n "__fish_pinctl_using_subcommand cache; and not __fish_seen_subcommand_from dir clean help" -s V -l version -d 'Print version'
complete -c pinctl -n "__fish_pinctl_using_subcommand cache; and not __fish_seen_subcommand_from dir clean help" -f -a "dir" -d 'Print the cache directory'
complete -c pinctl -n "__fish_pinctl_using_subcommand cache; and not __fish_seen_subcommand_from dir clean help" -f -a "clean" -d 'Remove everything pinctl cached (index pages and metadata)'
complete -c pinctl -n "__fish_pinctl_using_subcommand cache; and not __fish_seen_subcommand_from dir clean help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pinctl -n "__fish_pinctl_using_subcommand cache; and __fish_seen_subcommand_from dir" -l cache-dir -d 'The cache directory (default: the platform\'s user cache dir + `pinctl`)' -r -F
complete -c pinctl -n "__fish_pinctl_using_subcommand cache; and __fish_seen_subcommand_from dir" -l color -d 'When to colour output (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pinctl -n "__fish_pinctl_using_subcommand cache; and __fish_seen_subcommand_from dir" -l directory -d 'The project to act on (the directory holding pyproject.toml)' -r -F
complete -c pinctl -n "__fish_pinctl_using_subcommand cache; and __fish_seen_subcommand_from dir" -s q -l quiet -d 'Print only errors (and the data a command writes to stdout)'
complete -c pinctl -n "__fish_pinctl_using_subcommand cache; and __fish_seen_subcommand_from dir" -s v -l verbose -d 'More detail on stderr; repeat for debug logs (-vv)'
complete -c pinctl -n "__fish_pinctl_using_subcommand cache; and __fish_seen_subcommand_from dir" -l no-progress -d 'Never show progress bars'
complete -c pinctl -n "__fish_pinctl_using_subcommand cache; and __fish_seen_subcommand_from dir" -s h -l help -d 'Print help'
complete -c pinctl -n "__fish_pinctl_using_subcommand cache; and __fish_seen_subcommand_from dir" -s V -l version -d 'Print version'
complete -c pinctl -n "__fish_pinctl_using_subcommand cache; and __fish_seen_subcommand_from clean" -l cache-dir -d 'The cache directory (default: the platform\'s user cache dir + `pinctl`)' -r -F
complete -c pinctl -n "__fish_pinctl_using_subcommand cache; and __fish_seen_subcommand_from clean" -l color -d 'When to colour output (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pinctl -n "__fish_pinctl_using_subcommand cache; and __fish_seen_subcommand_from clean" -l directory -d 'The project to act on (the directory holding pyproject.toml)' -r -F
complete -c pinctl -n "__fish_pinctl_using_subcommand cache; and __fish_seen_subcommand_from clean" -s q -l quiet -d 'Print only errors (and the data a command writes to stdout)'
complete -c pinctl -n "__fish_pinctl_using_subcommand cache; and __fish_seen_subcommand_from clean" -s v -l verbose -d 'More detail on stderr; repeat for debug logs (-vv)'
complete -c pinctl -n "__fish_pinctl_using_subcommand cache; and __fish_seen_subcommand_from clean" -l no-progress -d 'Never show progress bars'
complete -c pinctl -n "__fish_pinctl_using_subcommand cache; and __fish_seen_subcommand_from clean" -s h -l help -d 'Print help'
complete -c pinctl -n "__fish_pinctl_using_subcommand cache; and __fish_seen_subcommand_from clean" -s V -l version -d 'Print version'
complete -c pinctl -n "__fish_pinctl_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "dir" -d 'Print the cache directory'
complete -c pinctl -n "__fish_pinctl_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "clean" -d 'Remove everything pinctl cached (index pages and metadata)'
complete -c pinctl -n "__fish_pinctl_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pinctl -n "__fish_pinctl_using_subcommand completions" -l color -d 'When to colour output (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pinctl -n "__fish_pinctl_using_subcommand completions" -l directory -d 'The project to act on (the directory holding pyproject.toml)' -r -F
complete -c pinctl -n "__fish_pinctl_using_subcommand completions" -s q -l quiet -d 'Print only errors (and the data a command writes to stdout)'
complete -c pinctl -n "__fish_pinctl_using_subcommand completions" -s v -l verbose -d 'More detail on stderr; repeat for debug logs (-vv)'
complete -c pinctl -n "__fish_pinctl_using_subcommand completions" -l no-progress -d 'Never show progress bars'
complete -c pinctl -n "__fish_pinctl_using_subcommand completions" -s h -l help -d 'Print help'
complete -c pinctl -n "__fish_pinctl_using_subcommand completions" -s V -l version -d 'Print version'
complete -c pinctl -n "__fish_pinctl_using_subcommand help; and not __fish_seen_subcommand_from lock export check outdated cache completions help" -f -a "lock" -d 'Resolve pyproject.toml against the index and write a hashed pylock.toml'
complete -c pinctl -n "__fish_pinctl_using_subcommand help; and not __fish_seen_subcommand_from lock export check outdated cache completions help" -f -a "export" -d 'Write requirements.txt (or a single-use pylock.toml) from pylock.toml'
complete -c pinctl -n "__fish_pinctl_using_subcommand help; and not __fish_seen_subcommand_from lock export check outdated cache completions help" -f -a "check" -d 'Lint version specifiers: unpinned, unbounded, loose, wildcard'
complete -c pinctl -n "__fish_pinctl_using_subcommand help; and not __fish_seen_subcommand_from lock export check outdated cache completions help" -f -a "outdated" -d 'Compare locked versions with what the index offers now'
complete -c pinctl -n "__fish_pinctl_using_subcommand help; and not __fish_seen_subcommand_from lock export check outdated cache completions help" -f -a "cache" -d 'Show or clear the cache of index pages and package metadata'
complete -c pinctl -n "__fish_pinctl_using_subcommand help; and not __fish_seen_subcommand_from lock export check outdated cache completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c pinctl -n "__fish_pinctl_using_subcommand help; and not __fish_seen_subcommand_from lock export check outdated cache completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pinctl -n "__fish_pinctl_using_subcommand help; and __fish_seen_subcommand_from cache" -f -a "dir" -d 'Print the cache directory'
complete -c pinctl -n "__fish_pinctl_using_subcommand help; and __fish_seen_subcommand_from cache" -f -a "clean" -d 'Remove everything pinctl cached (index pages and metadata)'
