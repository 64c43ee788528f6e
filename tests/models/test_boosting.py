"""models.boosting imports LightGBM without scikit-learn, which stays importable afterwards."""

import subprocess
import sys

_CODE = (
    "import sys, os\n"
    "os.environ.pop('OMP_WAIT_POLICY', None)\n"
    "from keepwise.models.boosting import lgb\n"
    "print('sklearn' in sys.modules, os.environ['OMP_WAIT_POLICY'], hasattr(lgb, 'train'))\n"
    "import sklearn.isotonic\n"
    "print(sys.modules['sklearn'] is not None)\n"
)


def test_lightgbm_comes_without_scikit_learn_which_can_still_be_imported():
    result = subprocess.run([sys.executable, "-c", _CODE], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-500:]
    assert result.stdout.split() == ["False", "PASSIVE", "True", "True"]


def test_with_scikit_learn_already_imported_lightgbm_is_imported_as_usual():
    code = "import sklearn.base\nfrom keepwise.models.boosting import lgb\nimport lightgbm.compat as c\nprint(c.SKLEARN_INSTALLED)\n"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-500:]
    assert result.stdout.split() == ["True"]
