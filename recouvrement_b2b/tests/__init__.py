from . import test_foundation, test_translations
from . import test_ui
from . import test_dunning
from . import test_dunning_letters
