# Shortcuts for the two commands in the README.
.PHONY: demo test
demo:
	scripts/demo.sh
test:
	scripts/test.sh
