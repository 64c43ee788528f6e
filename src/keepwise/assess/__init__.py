"""Stage 3: the assessment. Whom to nurture, grow, keep, retain, win back, fix service for, make
profitable, deprioritize or offboard, each with dated evidence, the business's own faults first.
"""

from keepwise.assess.engine import CONTRACT_COLUMNS, EXTRA_COLUMNS, assess, assess_frames, write_assessment
from keepwise.assess.explain import explain, render_text
from keepwise.assess.run import AssessmentRun, assess_with_models

__all__ = [
    "AssessmentRun",
    "assess_with_models",
    "CONTRACT_COLUMNS",
    "EXTRA_COLUMNS",
    "assess",
    "assess_frames",
    "explain",
    "render_text",
    "write_assessment",
]
