from hirebridge.cli import main

main()
