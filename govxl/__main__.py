from govxl.entry import main

main()
