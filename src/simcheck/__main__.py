from simcheck.cli import main

main()
