from . import recouvrement_payment_plan_wizard
