"""The ``eoscheck`` command line: one module per subcommand (``*_cmd.py``), registered in main.py."""
