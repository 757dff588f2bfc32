"""``python -m restore_contracts`` runs the command-line interface."""

from restore_contracts.cli import main

main()
