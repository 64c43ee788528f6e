"""Problems found in input data: what, where (file, row, line, column), and what was expected."""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    severity: str  # ERROR or WARNING
    file: str  # e.g. "orders.csv", or "orders (table in shop.sqlite)"
    message: str
    row: int | None = None  # 1-based data row (the header is not a data row)
    line: int | None = None  # 1-based physical line in a CSV file (the header is line 1)
    column: str | None = None
    value: str | None = None
    expected: str | None = None

    @property
    def location(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(f"row {self.row}" + (f" (line {self.line})" if self.line is not None else ""))
        elif self.line is not None:
            parts.append(f"line {self.line}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}"
        if self.value is not None:
            shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
            text += f" (got {shown!r}"
            text += f", expected {self.expected})" if self.expected else ")"
        elif self.expected:
            text += f" (expected {self.expected})"
        return text

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


class DataError(Exception):
    """The input cannot be used; ``problems`` lists every error found (up to the limit)."""

    def __init__(self, problems: list[Problem], truncated: bool = False):
        self.problems = problems
        self.truncated = truncated
        errors = [p for p in problems if p.severity == ERROR]
        head = f"{len(errors)} problem(s) in the input data" + (" (list cut at the limit)" if truncated else "")
        super().__init__(head + ":\n" + "\n".join(f"  {p}" for p in errors))


class ProblemLog:
    """Collects problems up to a limit of errors, so a broken file doesn't flood the screen."""

    def __init__(self, max_errors: int):
        self.max_errors = max_errors
        self.problems: list[Problem] = []
        self.truncated = False

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def full(self) -> bool:
        return len(self.errors) >= self.max_errors

    def add(self, problem: Problem) -> None:
        if problem.severity == ERROR and self.full:
            self.truncated = True
            return
        self.problems.append(problem)

    def error(self, file: str, message: str, **where) -> None:
        self.add(Problem(ERROR, file, message, **where))

    def warning(self, file: str, message: str, **where) -> None:
        self.add(Problem(WARNING, file, message, **where))

    def raise_if_errors(self) -> None:
        if self.errors:
            raise DataError(self.problems, self.truncated)
