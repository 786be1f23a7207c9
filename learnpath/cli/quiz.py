"""Being asked: `quiz`, `hint` and `review`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from learnpath.cli.app import EXIT_FAILED, EXIT_OK, MAX_SEED, JsonFlag, SectionId, app, need_terminal, open_catalog, open_section
from learnpath.errors import LearnpathError
from learnpath.ui import console

if TYPE_CHECKING:
    from learnpath.quiz.model import Quiz
    from learnpath.study.review import ReviewPlan


AnswersOption = Annotated[
    Optional[str],
    typer.Option(
        "--answers",
        metavar="FILE",
        help="Grade a YAML file of `question id: answer` without asking; `-` reads it from stdin.",
        show_default=False,
    ),
]


@app.command("quiz")
def quiz_command(
    ctx: typer.Context,
    section_id: SectionId,
    answers: AnswersOption = None,
    reveal: Annotated[
        bool, typer.Option("--reveal", help="Print every question with its answer, explanation and hints.")
    ] = False,
    shuffle: Annotated[
        bool, typer.Option("--shuffle/--no-shuffle",
                           help="Shuffle questions and choices at the terminal (the default); "
                           "--no-shuffle asks them as written, for authors. Answers files always "
                           "use quiz.yaml's keys.")
    ] = True,
    seed: Annotated[
        Optional[int],
        typer.Option("--seed", min=0, max=MAX_SEED, help="Ask in the order of this seed again (the attempt log "
                     "records each attempt's seed).", show_default=False),
    ] = None,
    only_given: Annotated[
        bool, typer.Option("--only-given", help="With --answers: grade and log only the questions the "
                           "file answers; review picks them up; the quiz box is never ticked.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="With --answers: grade and show the result, but write "
                           "nothing (no attempt logged, no box ticked, review unmoved).")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Take a section's quiz: one question at a time on a terminal, or grade --answers FILE.

    A score at or above the pass mark ticks the quiz box in PROGRESS.md. With
    --json and neither --answers nor --reveal, print the questions without
    their answers (for a tutor to ask them).
    """
    from learnpath.quiz.model import new_seed
    from learnpath.study.quiz import open_quiz, take_quiz
    from learnpath.ui import records, views

    catalog, section = open_section(ctx, section_id)
    if reveal and answers is not None:
        raise LearnpathError("--reveal and --answers do not go together",
                             fix="Grade first with --answers, then look with --reveal")
    if only_given and answers is None:
        raise LearnpathError("--only-given grades an answers file",
                             fix="Pass --answers FILE (or --answers - for stdin) with the questions answered")
    if dry_run and answers is None:
        raise LearnpathError("--dry-run grades an answers file without recording it",
                             fix="Pass --answers FILE (or --answers - for stdin)")
    if answers is not None and seed is not None:
        raise LearnpathError("--seed orders an interactive quiz; an answers file always uses the keys "
                             "as written in quiz.yaml", fix="Leave out --seed")
    if not reveal and answers is None:
        if as_json:  # the questions alone, in file order and quiz.yaml's keys, for a tutor to ask
            console.print_json(records.quiz_questions(section, open_quiz(section)))
            return
        need_terminal(f"quiz {section.id}")
        if shuffle and seed is None:
            seed = new_seed()
    if not shuffle and seed is not None:
        raise LearnpathError("--seed and --no-shuffle do not go together",
                             fix="Use --seed N to replay a shuffled order, or --no-shuffle for file order")
    quiz = open_quiz(section, shuffle_seed=seed)
    if reveal:
        if as_json:
            console.print_json(records.quiz_revealed(section, quiz))
        else:
            views.quiz_revealed(section, quiz)
        return
    taken = take_quiz(catalog, section, quiz, answers_file=answers, ask=_ask_quiz,
                            shuffle_seed=seed, only_given=only_given, dry_run=dry_run)
    if as_json:
        console.print_json(records.quiz_result(taken.result, section=section.id, partial=only_given,
                                               recorded=taken.logged))
    else:
        if answers is not None:
            views.quiz_results(taken.quiz, taken.result)
        views.quiz_verdict(section, taken.result, partial=only_given, seed=seed, recorded=taken.logged)
    if not taken.result.passed:
        raise typer.Exit(EXIT_FAILED)


def _ask_quiz(quiz: Quiz) -> dict[str, Any]:
    """The interactive quiz at the terminal: question id -> answer as typed and parsed."""
    from learnpath.ui import views
    from learnpath.ui.asking import Stopped, ask_questions

    views.quiz_start(quiz)
    try:
        typed = ask_questions(quiz.questions)
    except Stopped:
        views.stopped_early()
        raise typer.Exit(EXIT_OK) from None
    console.say()
    return dict(zip(quiz.ids, typed))


@app.command("hint")
def hint_command(
    ctx: typer.Context,
    section_id: SectionId,
    question_id: Annotated[str, typer.Argument(
        metavar="QUESTION_ID", help="A quiz question's id, e.g. value-memory, or an exercise task's, e.g. mul-grad.")],
    level: Annotated[int, typer.Option("--level", min=1, help="Which hint: 1 is the gentlest.")] = 1,
    as_json: JsonFlag = False,
) -> None:
    """Show one hint for a quiz question or an exercise task, the gentlest first, without giving the answer away."""
    from learnpath.study.hint import find_hint
    from learnpath.ui import records, views

    _, section = open_section(ctx, section_id)
    question, text = find_hint(section, question_id, level)
    if as_json:
        console.print_json(records.hint(section, question, level, text))
    else:
        views.hint(section, question, level, text)


@app.command("review")
def review_command(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Ask at most this many questions.")] = 10,
    answers: AnswersOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Re-ask the questions you missed, across sections, the most overdue first.

    Answered right, a question comes back later and later; missed, it comes back
    tomorrow. An answers file keys questions as `<section id>/<question id>`,
    e.g. `1.1/value-memory: b`. With --json and no --answers: what is due now and
    when the rest comes back (nothing is asked or recorded).
    """
    from datetime import date

    from learnpath.quiz.model import new_seed
    from learnpath.study.review import plan_review, review_outlook, take_review
    from learnpath.ui import records, views

    catalog = open_catalog(ctx)
    today = date.today()
    if answers is None and as_json:  # a tutor looking: what is due, and when the rest comes back
        console.print_json(records.review_outlook(review_outlook(catalog, today, limit,
                                                                       warn=console.warning)))
        return
    interactive = answers is None
    plan = plan_review(catalog, today, limit, warn=console.warning,
                             shuffle_seed=new_seed() if interactive else None)
    if not plan.asked:
        if as_json:
            console.print_json(records.review(0, {}))
        else:
            views.nothing_to_review(review_outlook(catalog, today, limit, warn=lambda _: None))
        return
    if interactive:
        need_terminal("review")
    results = take_review(catalog, plan, answers_file=answers,
                                ask=lambda asked: _ask_review(plan, asked))
    if as_json:
        console.print_json(records.review(len(plan.asked), results))
    else:
        views.review_results(plan, results, from_file=answers is not None)
        views.coming_back(review_outlook(catalog, today, limit, warn=lambda _: None).later)


def _ask_review(plan: ReviewPlan, asked) -> dict[tuple[str, str], Any]:
    from learnpath.ui import views
    from learnpath.ui.asking import Stopped, ask_questions

    questions = [plan.quizzes[sid].question(qid) for sid, qid in asked]
    views.review_start(len(questions))
    try:
        typed = ask_questions(questions, labels=[f"review {sid}" for sid, _ in asked])
    except Stopped:
        views.stopped_early()
        raise typer.Exit(EXIT_OK) from None
    console.say()
    return dict(zip(asked, typed))
