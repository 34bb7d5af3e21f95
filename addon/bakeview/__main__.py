"""python -m bakeview ...: the batch command line (with the bpy module), see bakeview.cli; and
python -m bakeview farm ... (with Dask, no bpy needed), see bakeview.farm."""
import sys

if sys.argv[1:2] == ["farm"]:
    from .farm import main as farm

    sys.exit(farm(sys.argv[2:]))

from .cli import main

main()
