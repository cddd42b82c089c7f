
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
            cand export 'Write requirements.txt (or a single-use pylock.toml) from pylock.toml'
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
        &'pinctl;help'= {
            cand check 'Lint version specifiers: unpinned, unbounded, loose, wildcard'
            cand completions 'Print a shell completion script'
            cand export 'Write requirements.txt (or a single-use pylock.toml) from pylock.toml'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pinctl;help;check'= {
        }
        &'pinctl;help;completions'= {
        }
        &'pinctl;help;export'= {
        }
        &'pinctl;help;help'= {
        }
    ]
    $completions[$command]
}
