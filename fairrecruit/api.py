from ninja import NinjaAPI

from fairrecruit.certification.api import router as certification_router
from fairrecruit.contracts.api import router as contracts_router
from fairrecruit.enforcement.api import router as enforcement_router
from fairrecruit.evidence.api import router as evidence_router
from fairrecruit.grievances.api import router as grievances_router
from fairrecruit.jobs.api import router as jobs_router
from fairrecruit.registry.api import router as registry_router
from fairrecruit.reviews.api import router as reviews_router
from fairrecruit.standards.api import router as standards_router
from fairrecruit.supplychain.api import router as supplychain_router

api = NinjaAPI(
    title="FairRecruit API",
    version="1",
    description="Open API of FairRecruit: standards as code and recruitment-fee assessment.",
    urls_namespace="api-v1",
)
api.add_router("/", standards_router)
api.add_router("/", registry_router)
api.add_router("/", reviews_router)
api.add_router("/", evidence_router)
api.add_router("/", grievances_router)
api.add_router("/", certification_router)
api.add_router("/", enforcement_router)
api.add_router("/", contracts_router)
api.add_router("/", supplychain_router)
api.add_router("/", jobs_router)
