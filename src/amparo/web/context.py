from amparo.registry.models import Organisation


def synthetic_data_notice(request):
    """Tell every page whether synthetic data is loaded, so it is labelled wherever it appears."""
    return {"synthetic_data_loaded": Organisation.objects.filter(is_synthetic=True).exists()}
