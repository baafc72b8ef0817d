from . import test_foundation, test_translations
from . import test_ui
from . import test_identity
from . import test_penalties
from . import test_bad_input
from . import test_credit
from . import test_plans
from . import test_litigation
from . import test_dunning
from . import test_dunning_letters
from . import test_dunning_production
from . import test_security
from . import test_company_collection
