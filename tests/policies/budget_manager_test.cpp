// Tests of the budget manager policies (being written).
