from . import recouvrement_credit_override
from . import recouvrement_payment_plan_wizard
from . import recouvrement_litigation_close
from . import recouvrement_dunning_run
from . import recouvrement_call_log
