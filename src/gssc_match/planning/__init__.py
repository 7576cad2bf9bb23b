"""Missions: time slots across clocks, the meeting solver, and agendas."""
