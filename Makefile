# Packaging of the AWS Lambda function, run by `sam build` (template.yaml: BuildMethod makefile)
# with ARTIFACTS_DIR set. It copies only what the function runs (skill/, the runtime, and
# content/; the developer tools live in tpcoach/ and stay behind) and
# installs requirements-lambda.txt as wheels for the function's runtime and architecture, so the
# build machine's own Python and CPU do not matter.
LAMBDA_PYTHON ?= 3.12
LAMBDA_PLATFORM ?= manylinux2014_aarch64
PIP ?= python3 -m pip

.PHONY: build-SkillFunction
build-SkillFunction:
	test -n "$(ARTIFACTS_DIR)"
	mkdir -p "$(ARTIFACTS_DIR)"
	cp -R skill content "$(ARTIFACTS_DIR)/"
	$(PIP) install --requirement requirements-lambda.txt --target "$(ARTIFACTS_DIR)" \
		--platform $(LAMBDA_PLATFORM) --implementation cp --python-version $(LAMBDA_PYTHON) \
		--only-binary=:all: --upgrade --no-compile --quiet
	find "$(ARTIFACTS_DIR)" -name __pycache__ -type d -prune -exec rm -rf {} +
