from . import recouvrement_credit_exposure
from . import recouvrement_worklist
