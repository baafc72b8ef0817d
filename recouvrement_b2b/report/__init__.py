from . import recouvrement_credit_exposure
