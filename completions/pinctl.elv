
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
            cand check 'Lint version specifiers: unpinned, unbounded, loose, wildcard'
            cand completions 'Print a shell completion script'
            cand outdated 'Compare locked versions with what the index offers now'
            cand help 'Print this message or the help of the given subcommand(s)'
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
        &'pinctl;outdated'= {
            cand --format 'Output format'
            cand --group 'Only packages dependency group G installs (repeatable; with --prod: either)'
            cand --package 'Only package P (repeatable)'
            cand --fail-on 'Exit with 1 only for findings at LEVEL or above (implies --exit-code)'
            cand --index-url 'The package index (simple API base URL)'
            cand --cache-dir 'Where to cache index pages and metadata'
            cand --color 'When to colour output (NO_COLOR is honoured by `auto`)'
            cand --directory 'The project to act on (the directory holding pyproject.toml)'
            cand --prod 'Only packages the production set installs'
            cand --direct 'Only packages the project names itself'
            cand --all 'Also list packages that are up to date'
            cand --exit-code 'Exit with 1 when any package is outdated or its locked version was yanked'
            cand --offline 'Use only the cache; fail naming what is missing'
            cand --refresh 'Ignore cached index pages and fetch them again'
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
        &'pinctl;help'= {
            cand check 'Lint version specifiers: unpinned, unbounded, loose, wildcard'
            cand completions 'Print a shell completion script'
            cand outdated 'Compare locked versions with what the index offers now'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pinctl;help;check'= {
        }
        &'pinctl;help;completions'= {
        }
        &'pinctl;help;outdated'= {
        }
        &'pinctl;help;help'= {
        }
    ]
    $completions[$command]
}
