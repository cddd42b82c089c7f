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
complete -c pinctl -n "__fish_pinctl_needs_command" -f -a "check" -d 'Lint version specifiers: unpinned, unbounded, loose, wildcard'
complete -c pinctl -n "__fish_pinctl_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c pinctl -n "__fish_pinctl_needs_command" -f -a "outdated" -d 'Compare locked versions with what the index offers now'
complete -c pinctl -n "__fish_pinctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pinctl -n "__fish_pinctl_using_subcommand check" -l format -d 'Output format' -r -f -a "human\t'file:line:col, the source line and a caret'
json\t'One JSON document on stdout (schema: docs/check-json.md)'
github\t'GitHub Actions workflow annotations on stdout'"
complete -c pinctl -n "__fish_pinctl_using_subcommand check" -l deny -d 'Report RULE as an error (repeatable)' -r -f -a "unpinned\t''
no-upper-bound\t''
wildcard\t''
zero-ver-range\t''
not-equal-only\t''
arbitrary-equality\t''
url-without-hash\t''"
complete -c pinctl -n "__fish_pinctl_using_subcommand check" -l warn -d 'Report RULE as a warning (repeatable)' -r -f -a "unpinned\t''
no-upper-bound\t''
wildcard\t''
zero-ver-range\t''
not-equal-only\t''
arbitrary-equality\t''
url-without-hash\t''"
complete -c pinctl -n "__fish_pinctl_using_subcommand check" -l allow -d 'Do not report RULE (repeatable)' -r -f -a "unpinned\t''
no-upper-bound\t''
wildcard\t''
zero-ver-range\t''
not-equal-only\t''
arbitrary-equality\t''
url-without-hash\t''"
complete -c pinctl -n "__fish_pinctl_using_subcommand check" -l color -d 'When to colour output (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pinctl -n "__fish_pinctl_using_subcommand check" -l directory -d 'The project to act on (the directory holding pyproject.toml)' -r -F
complete -c pinctl -n "__fish_pinctl_using_subcommand check" -s q -l quiet -d 'Print only errors (and the data a command writes to stdout)'
complete -c pinctl -n "__fish_pinctl_using_subcommand check" -s v -l verbose -d 'More detail on stderr; repeat for debug logs (-vv)'
complete -c pinctl -n "__fish_pinctl_using_subcommand check" -l no-progress -d 'Never show progress bars'
complete -c pinctl -n "__fish_pinctl_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinctl -n "__fish_pinctl_using_subcommand check" -s V -l version -d 'Print version'
complete -c pinctl -n "__fish_pinctl_using_subcommand completions" -l color -d 'When to colour output (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pinctl -n "__fish_pinctl_using_subcommand completions" -l directory -d 'The project to act on (the directory holding pyproject.toml)' -r -F
complete -c pinctl -n "__fish_pinctl_using_subcommand completions" -s q -l quiet -d 'Print only errors (and the data a command writes to stdout)'
complete -c pinctl -n "__fish_pinctl_using_subcommand completions" -s v -l verbose -d 'More detail on stderr; repeat for debug logs (-vv)'
complete -c pinctl -n "__fish_pinctl_using_subcommand completions" -l no-progress -d 'Never show progress bars'
complete -c pinctl -n "__fish_pinctl_using_subcommand completions" -s h -l help -d 'Print help'
complete -c pinctl -n "__fish_pinctl_using_subcommand completions" -s V -l version -d 'Print version'
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
complete -c pinctl -n "__fish_pinctl_using_subcommand outdated" -l index-url -d 'The package index (simple API base URL)' -r
complete -c pinctl -n "__fish_pinctl_using_subcommand outdated" -l cache-dir -d 'Where to cache index pages and metadata' -r -F
complete -c pinctl -n "__fish_pinctl_using_subcommand outdated" -l color -d 'When to colour output (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pinctl -n "__fish_pinctl_using_subcommand outdated" -l directory -d 'The project to act on (the directory holding pyproject.toml)' -r -F
complete -c pinctl -n "__fish_pinctl_using_subcommand outdated" -l prod -d 'Only packages the production set installs'
complete -c pinctl -n "__fish_pinctl_using_subcommand outdated" -l direct -d 'Only packages the project names itself'
complete -c pinctl -n "__fish_pinctl_using_subcommand outdated" -l all -d 'Also list packages that are up to date'
complete -c pinctl -n "__fish_pinctl_using_subcommand outdated" -l exit-code -d 'Exit with 1 when any package is outdated or its locked version was yanked'
complete -c pinctl -n "__fish_pinctl_using_subcommand outdated" -l offline -d 'Use only the cache; fail naming what is missing'
complete -c pinctl -n "__fish_pinctl_using_subcommand outdated" -l refresh -d 'Ignore cached index pages and fetch them again'
complete -c pinctl -n "__fish_pinctl_using_subcommand outdated" -s q -l quiet -d 'Print only errors (and the data a command writes to stdout)'
complete -c pinctl -n "__fish_pinctl_using_subcommand outdated" -s v -l verbose -d 'More detail on stderr; repeat for debug logs (-vv)'
complete -c pinctl -n "__fish_pinctl_using_subcommand outdated" -l no-progress -d 'Never show progress bars'
complete -c pinctl -n "__fish_pinctl_using_subcommand outdated" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pinctl -n "__fish_pinctl_using_subcommand outdated" -s V -l version -d 'Print version'
complete -c pinctl -n "__fish_pinctl_using_subcommand help; and not __fish_seen_subcommand_from check completions outdated help" -f -a "check" -d 'Lint version specifiers: unpinned, unbounded, loose, wildcard'
complete -c pinctl -n "__fish_pinctl_using_subcommand help; and not __fish_seen_subcommand_from check completions outdated help" -f -a "completions" -d 'Print a shell completion script'
complete -c pinctl -n "__fish_pinctl_using_subcommand help; and not __fish_seen_subcommand_from check completions outdated help" -f -a "outdated" -d 'Compare locked versions with what the index offers now'
complete -c pinctl -n "__fish_pinctl_using_subcommand help; and not __fish_seen_subcommand_from check completions outdated help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
