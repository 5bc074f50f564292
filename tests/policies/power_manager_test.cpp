// Tests of the power manager policies (being written).
