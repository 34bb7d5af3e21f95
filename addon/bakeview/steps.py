"""Work done a step at a time: bake_steps and sheet_steps are generators that yield (done,
total, name) before each step and return their result, so that the UI runs them in time slices
and Esc can stop them between steps. Scripts run them to the end here."""


def run(steps, progress=None):
    """Runs a steps generator to the end, calling progress(done, total, name) before each step;
    returns the generator's result. If progress raises, the generator is closed at once, so the
    work it did is put back before the error goes on."""
    try:
        while True:
            done, total, name = next(steps)
            if progress:
                progress(done, total, name)
    except StopIteration as finished:
        return finished.value
    finally:
        steps.close()
