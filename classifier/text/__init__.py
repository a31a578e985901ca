"""Pure text handling: sentence splitting, case normalisation, attribution and hedging cues."""
