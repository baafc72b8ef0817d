from . import recouvrement_dunning
