from upperback.cli.app import main

main()
