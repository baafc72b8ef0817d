from . import recouvrement_litigation_close
