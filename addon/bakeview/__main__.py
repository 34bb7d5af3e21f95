"""python -m bakeview ... (with the bpy module): the batch command line, see bakeview.cli."""
from .cli import main

main()
