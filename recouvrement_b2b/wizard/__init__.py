from . import recouvrement_credit_override
