
use builtin;
use str;

set edit:completion:arg-completer[pinctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'pinctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'pinctl'= {
            cand --color 'When to colour output (NO_COLOR is honoured by `auto`)'
            cand --directory 'The project to act on (the directory holding pyproject.toml)'
            cand -q 'Print only errors (and the data a command writes to stdout)'
            cand --quiet 'Print only errors (and the data a command writes to stdout)'
            cand -v 'More detail on stderr; repeat for debug logs (-vv)'
            cand --verbose 'More detail on stderr; repeat for debug logs (-vv)'
            cand --no-progress 'Never show progress bars'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand lock 'Resolve pyproject.toml against the index and write a hashed pylock.toml'
            cand export 'Write requirements.txt (or a single-use pylock.toml) from pylock.toml'
            cand check 'Lint version specifiers: unpinned, unbounded, loose, wildcard'
            cand outdated 'Compare locked versions with what the index offers now'
            cand cache 'Show or clear the cache of index pages and package metadata'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pinctl;lock'= {
            cand -P 'Let package P move to its newest allowed version; others keep their pins (repeatable)'
            cand --upgrade-package 'Let package P move to its newest allowed version; others keep their pins (repeatable)'
            cand --index-url 'The package index: a PEP 503/691 simple API base URL [default: https://pypi.org/simple]'
            cand --allow-insecure-host 'Allow plain-http access to HOST (repeatable; loopback addresses are always allowed)'
            cand --concurrency 'HTTP requests in flight at once [default: 50]'
            cand --timeout 'Seconds to wait for a connection, and between bytes of an answer, before the request is retried [default: 30]'
            cand --cache-dir 'The cache directory (default: the platform''s user cache dir + `pinctl`)'
            cand --color 'When to colour output (NO_COLOR is honoured by `auto`)'
            cand --directory 'The project to act on (the directory holding pyproject.toml)'
            cand -U 'Let every package move to its newest allowed version (ignore pylock.toml''s pins)'
            cand --upgrade 'Let every package move to its newest allowed version (ignore pylock.toml''s pins)'
            cand --check 'Check that pylock.toml matches pyproject.toml, without the network: exit 1 when stale'
            cand --locked 'Fail (exit 1) instead of writing when the lock would change'
            cand --dry-run 'Resolve and print what would change (`Add`, `Update`, `Remove`), writing nothing'
            cand --offline 'Use only the cache; fail naming what is missing'
            cand --refresh 'Fetch index pages again instead of using cached ones (metadata stays cached)'
            cand -q 'Print only errors (and the data a command writes to stdout)'
            cand --quiet 'Print only errors (and the data a command writes to stdout)'
            cand -v 'More detail on stderr; repeat for debug logs (-vv)'
            cand --verbose 'More detail on stderr; repeat for debug logs (-vv)'
            cand --no-progress 'Never show progress bars'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pinctl;export'= {
            cand --group 'Add dependency group G to the production set (repeatable)'
            cand --extra 'Add extra E to the production set (repeatable)'
            cand --only-group 'Export only dependency group G, without the production set (repeatable)'
            cand --format 'Output format'
            cand -o 'Write to FILE (atomically) instead of stdout'
            cand --output 'Write to FILE (atomically) instead of stdout'
            cand --color 'When to colour output (NO_COLOR is honoured by `auto`)'
            cand --directory 'The project to act on (the directory holding pyproject.toml)'
            cand --prod 'Export the production dependencies only (the default without a selection flag)'
            cand --all-groups 'Add every dependency group to the production set'
            cand --all-extras 'Add every extra to the production set'
            cand --no-hashes 'Leave out the `--hash` lines (requirements-txt only)'
            cand --no-header 'Leave out the header comment naming the command that regenerates the file'
            cand --annotate 'Add `# via` lines saying which package or project file needs each package (requirements-txt only)'
            cand --frozen 'Export the lock as it is, without checking that it matches pyproject.toml'
            cand -q 'Print only errors (and the data a command writes to stdout)'
            cand --quiet 'Print only errors (and the data a command writes to stdout)'
            cand -v 'More detail on stderr; repeat for debug logs (-vv)'
            cand --verbose 'More detail on stderr; repeat for debug logs (-vv)'
            cand --no-progress 'Never show progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pinctl;check'= {
            cand --format 'Output format'
            cand --deny 'Report RULE as an error (repeatable)'
            cand --warn 'Report RULE as a warning (repeatable)'
            cand --allow 'Do not report RULE (repeatable)'
            cand --color 'When to colour output (NO_COLOR is honoured by `auto`)'
            cand --directory 'The project to act on (the directory holding pyproject.toml)'
            cand -q 'Print only errors (and the data a command writes to stdout)'
            cand --quiet 'Print only errors (and the data a command writes to stdout)'
            cand -v 'More detail on stderr; repeat for debug logs (-vv)'
            cand --verbose 'More detail on stderr; repeat for debug logs (-vv)'
            cand --no-progress 'Never show progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pinctl;outdated'= {
            cand --format 'Output format'
            cand --group 'Only packages dependency group G installs (repeatable; with --prod: either)'
            cand --package 'Only package P (repeatable)'
            cand --fail-on 'Exit with 1 only for findings at LEVEL or above (implies --exit-code)'
            cand --index-url 'The package index: a PEP 503/691 simple API base URL [default: https://pypi.org/simple]'
            cand --allow-insecure-host 'Allow plain-http access to HOST (repeatable; loopback addresses are always allowed)'
            cand --concurrency 'HTTP requests in flight at once [default: 50]'
            cand --timeout 'Seconds to wait for a connection, and between bytes of an answer, before the request is retried [default: 30]'
            cand --cache-dir 'The cache directory (default: the platform''s user cache dir + `pinctl`)'
            cand --color 'When to colour output (NO_COLOR is honoured by `auto`)'
            cand --directory 'The project to act on (the directory holding pyproject.toml)'
            cand --prod 'Only packages the production set installs'
            cand --direct 'Only packages the project names itself'
            cand --all 'Also list packages that are up to date'
            cand --exit-code 'Exit with 1 when any package is outdated or its locked version was yanked'
            cand --offline 'Use only the cache; fail naming what is missing'
            cand --refresh 'Fetch index pages again instead of using cached ones (metadata stays cached)'
            cand -q 'Print only errors (and the data a command writes to stdout)'
            cand --quiet 'Print only errors (and the data a command writes to stdout)'
            cand -v 'More detail on stderr; repeat for debug logs (-vv)'
            cand --verbose 'More detail on stderr; repeat for debug logs (-vv)'
            cand --no-progress 'Never show progress bars'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pinctl;cache'= {
            cand --color 'When to colour output (NO_COLOR is honoured by `auto`)'
            cand --directory 'The project to act on (the directory holding pyproject.toml)'
            cand -q 'Print only errors (and the data a command writes to stdout)'
            cand --quiet 'Print only errors (and the data a command writes to stdout)'
            cand -v 'More detail on stderr; repeat for debug logs (-vv)'
            cand --verbose 'More detail on stderr; repeat for debug logs (-vv)'
            cand --no-progress 'Never show progress bars'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand dir 'Print the cache directory'
            cand clean 'Remove everything pinctl cached (index pages and metadata)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pinctl;cache;dir'= {
            cand --cache-dir 'The cache directory (default: the platform''s user cache dir + `pinctl`)'
            cand --color 'When to colour output (NO_COLOR is honoured by `auto`)'
            cand --directory 'The project to act on (the directory holding pyproject.toml)'
            cand -q 'Print only errors (and the data a command writes to stdout)'
            cand --quiet 'Print only errors (and the data a command writes to stdout)'
            cand -v 'More detail on stderr; repeat for debug logs (-vv)'
            cand --verbose 'More detail on stderr; repeat for debug logs (-vv)'
            cand --no-progress 'Never show progress bars'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pinctl;cache;clean'= {
            cand --cache-dir 'The cache directory (default: the platform''s user cache dir + `pinctl`)'
            cand --color 'When to colour output (NO_COLOR is honoured by `auto`)'
            cand --directory 'The project to act on (the directory holding pyproject.toml)'
            cand -q 'Print only errors (and the data a command writes to stdout)'
            cand --quiet 'Print only errors (and the data a command writes to stdout)'
            cand -v 'More detail on stderr; repeat for debug logs (-vv)'
            cand --verbose 'More detail on stderr; repeat for debug logs (-vv)'
            cand --no-progress 'Never show progress bars'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pinctl;cache;help'= {
            cand dir 'Print the cache directory'
            cand clean 'Remove everything pinctl cached (index pages and metadata)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pinctl;cache;help;dir'= {
        }
        &'pinctl;cache;help;clean'= {
        }
        &'pinctl;cache;help;help'= {
        }
        &'pinctl;completions'= {
            cand --color 'When to colour output (NO_COLOR is honoured by `auto`)'
            cand --directory 'The project to act on (the directory holding pyproject.toml)'
            cand -q 'Print only errors (and the data a command writes to stdout)'
            cand --quiet 'Print only errors (and the data a command writes to stdout)'
            cand -v 'More detail on stderr; repeat for debug logs (-vv)'
            cand --verbose 'More detail on stderr; repeat for debug logs (-vv)'
            cand --no-progress 'Never show progress bars'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pinctl;help'= {
            cand lock 'Resolve pyproject.toml against the index and write a hashed pylock.toml'
            cand export 'Write requirements.txt (or a single-use pylock.toml) from pylock.toml'
            cand check 'Lint version specifiers: unpinned, unbounded, loose, wildcard'
            cand outdated 'Compare locked versions with what the index offers now'
            cand cache 'Show or clear the cache of index pages and package metadata'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pinctl;help;lock'= {
        }
        &'pinctl;help;export'= {
        }
        &'pinctl;help;check'= {
        }
        &'pinctl;help;outdated'= {
        }
        &'pinctl;help;cache'= {
            cand dir 'Print the cache directory'
            cand clean 'Remove everything pinctl cached (index pages and metadata)'
        }
        &'pinctl;help;cache;dir'= {
        }
        &'pinctl;help;cache;clean'= {
        }
        &'pinctl;help;completions'= {
        }
        &'pinctl;help;help'= {
        }
    ]
    $completions[$command]
}
