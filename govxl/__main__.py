from govxl.cli import main

main()
