"""Accuracy on published data sets, measured with the same code path as the commands.

- :mod:`~simcheck.evaluation.plagdet`: PAN's measures (Potthast et al. 2010);
- :mod:`~simcheck.evaluation.pan`: the PAN text-alignment corpus, run pair by pair;
- :mod:`~simcheck.evaluation.clough`: Clough & Stevenson's short answers.
"""
