"""`python -m pretrec.cli ...` is the `pretrec` command."""

from pretrec.cli import main

raise SystemExit(main())
