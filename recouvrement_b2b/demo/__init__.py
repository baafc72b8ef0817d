from . import recouvrement_demo
