from eventhub.cli import main

main()
