// Tests of the placement policies (being written).
