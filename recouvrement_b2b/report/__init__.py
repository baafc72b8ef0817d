from . import recouvrement_credit_exposure
from . import recouvrement_receivable_trend
from . import recouvrement_aged_balance
from . import recouvrement_statement_report
from . import recouvrement_worklist
