"""`samsyn bench <path>`: measurements of Samsyn's hot paths (issue 12).

Each path is a module of this package exposing two functions, so adding one is adding a file:

    add_arguments(parser)        its options, on its own sub-parser
    run(options, stdout) -> list[dict]
                                 measures, writes its progress to `stdout`, and returns its rows
                                 for the JSON ({"name": …, and the figures of that path})

The command prints the rows as a table and, with `--json FILE`, writes `{"paths": rows}`.
"""
