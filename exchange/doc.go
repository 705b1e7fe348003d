// Package exchange reads and writes the files that cross the council's walls:
// frameworks, spreadsheets, member packages.
//
// Everything read is checked strictly (unknown keys, trailing data, more than two
// decimals and oversized files are refused), Vietnamese text is normalised to
// Unicode NFC on the way in, and errors name the file, the position and the
// criterion concerned so that a clerk can fix the file without a programmer.
package exchange
