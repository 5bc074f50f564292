// Tests of the scheduler policies (being written).
