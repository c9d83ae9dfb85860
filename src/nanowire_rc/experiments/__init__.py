"""The paper's experiments, one module each; every function returns data (plotting draws it).

- :mod:`.pulse` — Fig. 1, single-neuron responses to an input pulse;
- :mod:`.heatmap` — Fig. 2, the memory factor over a (dt, omega) grid;
- :mod:`.classification` — Fig. 3, Table-3 model selection and test accuracy;
- :mod:`.report` — the ``REPORT.md`` that ties them together.
"""
