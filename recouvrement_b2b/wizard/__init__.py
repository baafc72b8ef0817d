from . import recouvrement_dunning_run
