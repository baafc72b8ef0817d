{
    "name": "Recouvrement B2B - Queue Job",
    "summary": "Run the dunning of recouvrement_b2b as queue jobs (OCA queue_job): the sending "
    "of each batch and the rendering of letters spread over the job runners",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/recouvrement-b2b/recouvrement_b2b",
    "author": "recouvrement_b2b developers",
    "license": "LGPL-3",
    "depends": ["recouvrement_b2b", "queue_job"],
    "data": ["data/queue_job_data.xml"],
    "auto_install": True,
    "installable": True,
}
